import type { SwitchboardConfig } from '../config';
import type { Connector } from '../connectors/kit';
import { syncIdentities, type SyncProgress, type SyncReport } from '../schema/identity';
import { buildSnapshots } from '../schema/snapshot';
import type { IdentityRepository, SnapshotRepository, StoreConnection } from '../store';
import { CUSTOMER_MAP_LEASE, StoreLease } from '../store/lease';
import type { FullSync } from './admin';
import type { HubLogger } from './logger';
import { createSnapshotRunner, type SnapshotRunner } from './snapshot-schedule';

/** What the customer map's work needs from the hub. */
export interface MapWorkDeps {
  config: SwitchboardConfig;
  store: StoreConnection;
  repository: IdentityRepository;
  snapshots: SnapshotRepository;
  /** The connectors served when a piece of work begins (a reload may replace them). */
  connectors: () => readonly Connector[];
  now: () => Date;
  logger: HubLogger;
  /** Anything that may change what a query answers clears the response cache. */
  changed: () => void;
  /** After a sync of this hub's own (finished or not): the identity map may have been replaced. */
  identityReplaced?: () => void;
}

/** The identity syncs and snapshot runs of one hub. */
export interface MapWork {
  /** Re-reads every system's directory and rewrites the map; a second caller joins the sync under way. */
  readonly sync: (onProgress?: (progress: SyncProgress) => void) => Promise<SyncReport>;
  /** Starts the snapshot runner (after start-up's own sync, which decides `runAtStart`). */
  readonly startSnapshots: (runAtStart: boolean) => SnapshotRunner;
  /** A sync, then the snapshots of the map it wrote (never a run that began on the old map). */
  readonly fullSync: FullSync;
}

/**
 * Identity syncs and snapshot runs rebuild the same customer map: in this hub they take turns
 * (one chain, and a second sync caller joins the one under way), and across processes the store
 * lease keeps a second hub or `npm run sync` out. Each reads the connectors served when it begins.
 */
export function createMapWork(deps: MapWorkDeps): MapWork {
  const { config, store, repository, snapshots } = deps;
  const lease = new StoreLease(store.db, CUSTOMER_MAP_LEASE, 10 * 60_000, undefined, store.deadlines.batchMs);
  let chain: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(work: () => Promise<T>): Promise<T> => {
    const run = chain.then(work, work);
    chain = run.catch(() => undefined);
    return run;
  };
  // Bumped by each sync that commits a map: a snapshot run records the version it reads, so a
  // sync's follow-up never joins a run that began on the map before it.
  let mapVersion = 0;
  // The sync waiting or under way, and the connectors it reads. A caller joins it only when it
  // reads the connectors served now: after a reload added a department, a sync that read the
  // previous set would never link it, so a new one is queued behind it instead.
  let syncing: { connectors: readonly Connector[]; report: Promise<SyncReport> } | null = null;
  const sync = (onProgress?: (progress: SyncProgress) => void): Promise<SyncReport> => {
    const connectors = deps.connectors();
    if (syncing && syncing.connectors === connectors) return syncing.report;
    const entry: { connectors: readonly Connector[]; report: Promise<SyncReport> } = {
      connectors,
      report: exclusive(async () => {
        const report = await syncIdentities({
          connectors,
          repository,
          defaultCountry: config.identity.defaultCountry,
          pageSize: config.identity.pageSize,
          onProgress,
          lease,
        });
        mapVersion += 1;
        return report;
      }).finally(() => {
        if (syncing === entry) syncing = null;
        deps.identityReplaced?.();
        deps.changed();
      }),
    };
    syncing = entry;
    return entry.report;
  };

  let runner: SnapshotRunner | null = null;
  const startSnapshots = (runAtStart: boolean): SnapshotRunner =>
    (runner ??= createSnapshotRunner({
      run: ({ onProgress, shouldStop, started }) =>
        exclusive(() => {
          started();
          return buildSnapshots({
            connectors: deps.connectors(),
            identities: repository,
            snapshots,
            batchSize: config.snapshot.batchSize,
            onProgress,
            shouldStop,
            now: deps.now,
            lease,
          });
        }).finally(() => deps.changed()),
      mapVersion: () => mapVersion,
      intervalMinutes: config.snapshot.intervalMinutes,
      runAtStart,
      logger: deps.logger,
    }));

  const fullSync: FullSync = async (progress) => {
    if (!runner) throw new TypeError('The snapshot runner is not started: call startSnapshots first');
    const identity = await sync((p) => progress({ event: 'identity', ...p }));
    const built = await runner.run((p) => progress({ event: 'snapshots', ...p }), { readsMapVersion: mapVersion });
    return { identity, snapshots: built };
  };
  return { sync, startSnapshots, fullSync };
}
