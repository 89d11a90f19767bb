import type DataLoader from 'dataloader';
import type { ConnectorConfig } from '../../config';
import { createBatchLoader, ScopeKey } from '../kit';
import { normalizeEmail, type RequesterRecord, type SupportTransport } from './support.transport';

/** Support's per-request loaders. */
export interface SupportScope {
  /** Requesters by e-mail (any case, stray spaces), batched into one `POST /requesters/batch` per tick. */
  requesters: DataLoader<string, RequesterRecord | null>;
}

/** How resolvers find this request's support loaders in the context. */
export const supportScope = new ScopeKey<SupportScope>('support');

/** Creates one request's loaders; the gateway calls this in its context factory. */
export function createSupportScope(transport: SupportTransport, config: ConnectorConfig): SupportScope {
  return {
    requesters: createBatchLoader({
      fetch: (keys) => transport.fetchRequesters(keys),
      maxBatchSize: config.maxBatchSize,
      normalizeKey: normalizeEmail,
    }),
  };
}
