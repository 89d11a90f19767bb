import { ReadPreference } from 'mongodb';
import type { SwitchboardConfig } from '../config';
import type { Connector } from '../connectors/kit';
import { RecordStore } from './runtime';
import { figureCatalog } from '../schema/snapshot';
import { IdentityRepository, SnapshotRepository, type StoreConnection } from '../store';

/** The hub's repositories on one store. */
export interface Repositories {
  identities: IdentityRepository;
  /**
   * The same identity map, always read from the primary, for the look-ups the hub keeps in
   * memory (`RememberedIdentityLookups`): it remembers a look-up under the map's state it read
   * just before, so both must come from one member. With `readPreference=secondary` (or
   * `nearest`) in the connection string they could come from two members, one of them behind,
   * and a look-up of the previous map would be served under the new one until the next sync.
   */
  identityLookups: IdentityRepository;
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
  const onPrimary = store.client.db(store.db.databaseName, { readPreference: ReadPreference.PRIMARY });
  const identityLookups = new IdentityRepository(onPrimary, store.deadlines);
  const snapshots = new SnapshotRepository(store.db, store.deadlines);
  await Promise.all([
    identities.ensureIndexes(),
    snapshots.ensureIndexes(figureCatalog(connectors)),
    ...connectors.map((c) => c.ensureIndexes()),
  ]);
  return { identities, identityLookups, snapshots };
}

/** The repository connectors cache department records in, as the config sets it; null with the cache off. */
export function openRecordStore(config: SwitchboardConfig, store: StoreConnection): RecordStore | null {
  if (!config.cache.enabled) return null;
  const { readTimeoutMs, writeTimeoutMs, writeDelayMs } = config.cache;
  return new RecordStore(store.db, { readTimeoutMs, writeTimeoutMs, writeDelayMs });
}
