import type DataLoader from 'dataloader';
import type { ConnectorConfig } from '../../config';
import { createBatchLoader, ScopeKey } from '../kit';
import type { CreditTransport, ProfileRecord } from './credit.transport';

/** Credit's per-request loaders. */
export interface CreditScope {
  /** Profiles by tax number, batched into one `POST /profiles/lookup` per tick. */
  profiles: DataLoader<string, ProfileRecord | null>;
}

/** How resolvers find this request's credit loaders in the context. */
export const creditScope = new ScopeKey<CreditScope>('credit');

/** Creates one request's loaders; the gateway calls this in its context factory. */
export function createCreditScope(transport: CreditTransport, config: ConnectorConfig): CreditScope {
  return {
    profiles: createBatchLoader({ fetch: (keys) => transport.fetchProfiles(keys), maxBatchSize: config.maxBatchSize }),
  };
}
