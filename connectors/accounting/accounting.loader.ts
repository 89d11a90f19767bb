import type DataLoader from 'dataloader';
import type { ConnectorConfig } from '../../config';
import { createBatchLoader, ScopeKey } from '../kit';
import type { AccountingTransport, AccountRecord } from './accounting.transport';

/** Accounting's per-request loaders. */
export interface AccountingScope {
  /** Accounts by account number, batched into one `POST /accounts/batch` per tick. */
  accounts: DataLoader<string, AccountRecord | null>;
}

/** How resolvers find this request's accounting loaders in the context. */
export const accountingScope = new ScopeKey<AccountingScope>('accounting');

/** Creates one request's loaders; the gateway calls this in its context factory. */
export function createAccountingScope(transport: AccountingTransport, config: ConnectorConfig): AccountingScope {
  return {
    accounts: createBatchLoader({ fetch: (keys) => transport.fetchAccounts(keys), maxBatchSize: config.maxBatchSize }),
  };
}
