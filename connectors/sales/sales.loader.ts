import type DataLoader from 'dataloader';
import type { ConnectorConfig } from '../../config';
import { createBatchLoader, ScopeKey } from '../kit';
import type { ContactRecord, SalesTransport } from './sales.transport';

/** Sales' per-request loaders. */
export interface SalesScope {
  /** Contacts by contact id, batched into one `POST /contacts/batch` per tick. */
  contacts: DataLoader<string, ContactRecord | null>;
}

/** How resolvers find this request's sales loaders in the context. */
export const salesScope = new ScopeKey<SalesScope>('sales');

/** Creates one request's loaders; the gateway calls this in its context factory. */
export function createSalesScope(transport: SalesTransport, config: ConnectorConfig): SalesScope {
  return {
    contacts: createBatchLoader({ fetch: (keys) => transport.fetchContacts(keys), maxBatchSize: config.maxBatchSize }),
  };
}
