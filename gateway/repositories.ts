import type { SwitchboardConfig } from '../config';
import type { Connector } from '../connectors/kit';
import { RecordStore } from './runtime';
import { figureCatalog } from '../schema/snapshot';
import { IdentityRepository, SnapshotRepository, type StoreConnection } from '../store';

/** The hub's repositories on one store. */
export interface Repositories {
  identities: IdentityRepository;
  snapshots: SnapshotRepository;
}

/**
 * Opens the identity and snapshot repositories and creates every index the hub relies on
 * (theirs and each connector's cache TTL index), idempotently: what the hub and `npm run sync`
 * both do before touching data.
 */
export async function prepareRepositories(
  store: StoreConnection,
  connectors: readonly Connector[],
): Promise<Repositories> {
  const identities = new IdentityRepository(store.db, store.deadlines);
  const snapshots = new SnapshotRepository(store.db, store.deadlines);
  await Promise.all([
    identities.ensureIndexes(),
    snapshots.ensureIndexes(figureCatalog(connectors)),
    ...connectors.map((c) => c.ensureIndexes()),
  ]);
  return { identities, snapshots };
}

/** The repository connectors cache department records in, as the config sets it; null with the cache off. */
export function openRecordStore(config: SwitchboardConfig, store: StoreConnection): RecordStore | null {
  if (!config.cache.enabled) return null;
  const { readTimeoutMs, writeTimeoutMs, writeDelayMs } = config.cache;
  return new RecordStore(store.db, { readTimeoutMs, writeTimeoutMs, writeDelayMs });
}
