import type { FastifyInstance } from 'fastify';
import type { GraphQLSchema } from 'graphql';
import type { SwitchboardConfig } from '../config';
import type { Connector, ConnectorFactory } from '../connectors/kit';
import type { ConnectorRuntime } from './runtime';
import type { ReloadReport } from '../schema/hub';
import type { SyncProgress, SyncReport } from '../schema/identity';
import type { SnapshotProgress, SnapshotReport } from '../schema/snapshot';
import {
  openStore,
  readPreferenceNotice,
  RememberedIdentityLookups,
  withDeadline,
  type StoreConnection,
} from '../store';
import { openRecordStore, prepareRepositories } from './repositories';
import { cacheBudgetWarning } from './cache-budget';
import { consoleLogger, type HubLogger } from './logger';
import { HubMetrics } from './metrics';
import { GRAPHQL_PATH } from './server';
import { NOTICE_TOLERANCE_SECONDS } from './webhooks';
import { createAdminToken, type FullSync } from './admin';
import type { CreatedApiKey } from '../store/api-keys.repository';
import { createHubServer } from './hub-server';
import { ApolloServerPluginResponseCache } from './plugins/response-cache';
import { NoticeLedger } from '../store/notice-ledger.repository';
import { prepareAuthentication } from './auth/setup';
import { fullSyncInBackground, identityAfterReload, syncAtStart } from './identity-on-start';
import { buildGeneration, type Generation } from './generation';
import { createSchemaSwap, type SchemaSwap } from './schema-swap';
import { createReloader, type Reloader } from './reload';
import { createMapWork } from './map-work';
import { createSavedQueries } from './saved-queries';
import type { SavedQueries } from '../schema/saved-query';

/** A running hub. */
export interface Hub {
  /** The GraphQL endpoint, e.g. `http://localhost:4000/graphql`. */
  readonly url: string;
  /** The schema new requests are validated against (a reload replaces it). */
  readonly schema: GraphQLSchema;
  readonly app: FastifyInstance;
  readonly store: StoreConnection;
  /** The connectors new requests use (a reload replaces them). */
  readonly connectors: readonly Connector[];
  readonly metrics: HubMetrics;
  /** In demo mode, one fresh API key per role (the previous start's are revoked); empty otherwise. */
  readonly demoKeys: readonly CreatedApiKey[];
  /** Re-reads every system's directory and rewrites the identity map. */
  syncIdentities(onProgress?: (progress: SyncProgress) => void): Promise<SyncReport>;
  /**
   * Builds the customer-360 snapshots (resuming an unfinished run), or joins the run under way.
   * Rejects, keeping the run's state for a resume, when a system fails.
   */
  buildSnapshots(onProgress?: (progress: SnapshotProgress) => void | Promise<void>): Promise<SnapshotReport>;
  /**
   * What `POST /admin/sync` runs: an identity sync, then snapshots built from the map it wrote
   * (a run under way that began on the older map is not joined; a new one follows it).
   */
  fullSync: FullSync;
  /**
   * Re-reads the configuration (`reloadConfig`), re-creates the connectors, re-stitches the graph
   * and re-loads the access policy, then serves them; requests under way finish on the previous
   * ones. A configuration that does not start leaves the previous one serving: the report says why.
   */
  reload(): Promise<ReloadReport>;
  /** Resolves once every connector's pending repository write-backs are acknowledged. */
  settle(): Promise<void>;
  /** Stops the snapshot schedule (a run under way stops after its batch), the server, then the store once pending writes land. */
  close(): Promise<void>;
}

/** How to start a hub beyond its configuration. */
export interface StartHubOptions {
  logger?: HubLogger;
  /** The connector factories to use; default: each configured connector, found where its `from` says. */
  connectorFactories?: readonly ConnectorFactory[];
  /** Listen on HTTP (default true); false builds everything but serves nothing (tests). */
  listen?: boolean;
  /** The clock freshness is judged by (tests move it). */
  now?: () => Date;
  /**
   * Reads the configuration again, from the sources start-up read it from, for a reload (the CLI
   * re-reads its file and environment). Default: the configuration the hub started with.
   */
  reloadConfig?: () => SwitchboardConfig;
  /** Where the console's bundle is (default: `dist/console`, where `npm run build` writes it). */
  consoleAssets?: string;
}

/**
 * Starts the hub: connects the repository (embedded MongoDB unless `mongodb.uri` is set), builds
 * the configured connectors over it, syncs identities when the map is empty (per
 * `identity.syncOnStart`), stitches the graph and serves it with metrics and change notices.
 * `hub.reload()` (SIGHUP, `reloadConnectors`) later swaps in the connectors a re-read
 * configuration describes, over the same store, keys and socket.
 */
export async function startHub(config: SwitchboardConfig, options: StartHubOptions = {}): Promise<Hub> {
  const logger = options.logger ?? consoleLogger;
  const overBudget = cacheBudgetWarning(config);
  if (overBudget) logger.warn(overBudget);
  const metrics = new HubMetrics();
  const store = await openStore(config.mongodb, { onCommand: (name) => metrics.storeCommand(name) });
  const primaryOnly = readPreferenceNotice(store);
  if (primaryOnly) logger.warn(primaryOnly);
  if (store.embeddedTcpUri)
    logger.warn(
      `the embedded store also listens on ${store.embeddedTcpUri} (mongodb.embeddedTcp), without authentication: any local user can read and write it`,
    );
  // What start-up has created so far, undone in reverse if a later step fails.
  const undo: Array<() => Promise<void> | void> = [];
  try {
    const runtime: ConnectorRuntime = {
      records: openRecordStore(config, store),
      memoryEntries: config.cache.enabled ? config.cache.memoryEntries : 0,
      memoryBytes: config.cache.memoryBytes,
      metrics,
      now: options.now ?? (() => new Date()),
      warn: (message) => logger.warn(message),
    };
    const responses = ApolloServerPluginResponseCache({
      maxEntries: config.cache.enabled ? config.cache.responses.maxEntries : 0,
      maxBytes: config.cache.responses.maxBytes,
      maxAgeSeconds: config.cache.responses.maxAgeSeconds,
      now: runtime.now,
      // Asked per answer, once the swap below exists: an answer of a replaced graph is not kept.
      isServing: (schema) => swap.current.schema === schema,
    });
    // The connectors' indexes are created with each generation of connectors, below.
    const repositories = await prepareRepositories(store, []);
    const { identities: repository, snapshots } = repositories;
    // Who is calling, from memory while the identity map is the generation it was read from.
    const identityLookups = new RememberedIdentityLookups(repository, {
      maxEntries: config.cache.enabled ? config.identity.memoryEntries : 0,
      maxBytes: config.identity.memoryBytes,
      recheckMs: config.identity.recheckMs,
      now: () => runtime.now().getTime(),
      warn: (message) => logger.warn(message),
    });
    const { authenticate, demoKeys, mode } = await prepareAuthentication(config, store.db, runtime.now);
    // Kept past the timestamp window (both directions) so no replay outlives its entry.
    const notices = new NoticeLedger(store.db, 2 * NOTICE_TOLERANCE_SECONDS + 60, store.deadlines.requestMs);
    await notices.ensureIndexes();

    // The connectors and everything derived from them are one generation; a reload builds the
    // next over the same store, runtime, repositories and keys (gateway/reload.ts).
    let reloader: Reloader | null = null;
    // Bound below, once the server whose pipeline runs them exists.
    let savedQueries: SavedQueries | null = null;
    const build = (generationConfig: SwitchboardConfig, number: number): Promise<Generation> =>
      buildGeneration(
        generationConfig,
        {
          runtime,
          repositories,
          identityLookups,
          connectorFactories: options.connectorFactories,
          logger,
          // Under the request deadline: a stalled store is STORE_UNAVAILABLE, not a probe left hanging.
          pingStore: () =>
            withDeadline(store.deadlines.requestMs, 'a ping', ({ signal }) =>
              store.db.command({ ping: 1 }, { signal }),
            ),
          onChange: () => responses.clear(),
          reload: () => (reloader ? reloader.reload() : Promise.reject(new Error('The hub is still starting'))),
          trustedDocumentsFile: config.auth.trustedDocuments.file,
          savedQueries: () => savedQueries,
        },
        number,
      );
    const swap: SchemaSwap<Generation> = createSchemaSwap(await build(config, 1));
    const connectorsNow = () => swap.current.connectors;

    const mapWork = createMapWork({
      config,
      store,
      repository,
      snapshots,
      connectors: connectorsNow,
      now: runtime.now,
      logger,
      changed: () => responses.clear(),
      // A sync of this hub's own has replaced the map: what was remembered of it goes at once.
      identityReplaced: () => identityLookups.forget(),
    });
    const sync = mapWork.sync;

    const { snapshotsOfAnotherWorld } = await syncAtStart(config.identity.syncOnStart, {
      connectors: connectorsNow(),
      repository,
      snapshots,
      sync,
      logger,
    });

    const adminToken = store.embedded && !config.mongodb.memory ? createAdminToken(config.mongodb.dataDir) : null;
    if (adminToken) undo.push(() => adminToken.remove());
    const snapshotState = await snapshots.readState();
    // On a schedule, a missing or unfinished snapshot is built now rather than a whole interval later;
    // so it is with the demo systems, whose lists and saved queries would otherwise all answer
    // SNAPSHOT_UNAVAILABLE until someone thought of `npm run sync`. After a re-sync into another
    // world the old snapshot is gone: build one now, whatever the schedule.
    const snapshotRunner = mapWork.startSnapshots(
      snapshotsOfAnotherWorld ||
        ((config.snapshot.intervalMinutes !== null || config.demo.enabled) && !snapshotState?.finishedAt),
    );
    undo.push(() => snapshotRunner.stop());
    const { fullSync } = mapWork;
    // What a reload starts in the background (a sync for a new connector): close waits for it.
    const background = new Set<Promise<void>>();
    const hubReloader = createReloader({
      readConfig: options.reloadConfig ?? (() => config),
      build,
      swap,
      onSwap: () => responses.clear(),
      // The cache settings are start-up's (a reload does not apply them); the connectors are the new ones.
      cacheBudget: (next) => cacheBudgetWarning({ ...config, connectors: next.connectors }),
      onConnectorsChanged: (next, added) =>
        identityAfterReload(next, added, repository, logger, fullSyncInBackground(fullSync, logger, background)),
      retire: async (previous, removed) => {
        await Promise.all(previous.connectors.map((c) => c.settle()));
        for (const name of removed) await metrics.forgetConnector(name);
      },
      logger,
    });
    reloader = hubReloader;
    const { app, apollo, queryLimits } = await createHubServer({
      config,
      swap,
      authenticate,
      logger,
      metrics,
      responses,
      notices,
      store,
      now: runtime.now,
      fullSync,
      adminToken,
      // Only the demo's made-up customers are shown off; a real customer's phone is nobody's example.
      examplePhone: mode === 'demo' ? ((await repository.example(connectorsNow().length))?.phones[0] ?? null) : null,
      savedQueries: () => savedQueries,
      consoleAssets: options.consoleAssets,
    });
    undo.push(() => app.close());
    savedQueries = await createSavedQueries({
      config,
      store,
      apollo,
      limits: queryLimits,
      swap,
      warn: (message) => logger.warn(message),
    });

    let url = '';
    if (options.listen !== false) {
      await app.listen({ host: config.server.host, port: config.server.port });
      const address = app.server.address();
      const port = typeof address === 'object' && address ? address.port : config.server.port;
      url = `http://${config.server.host}:${port}${GRAPHQL_PATH}`;
    }
    const settleAll = async () => {
      await Promise.all(connectorsNow().map((c) => c.settle()));
    };
    return {
      url,
      demoKeys,
      get schema() {
        return swap.current.schema;
      },
      app,
      store,
      get connectors() {
        return connectorsNow();
      },
      metrics,
      syncIdentities: sync,
      fullSync,
      buildSnapshots: (onProgress) => snapshotRunner.run(onProgress),
      reload: () => hubReloader.reload(),
      settle: settleAll,
      async close() {
        await snapshotRunner.stop();
        await app.close();
        // A reload's background sync and the retiring of replaced connectors use the store too.
        await Promise.allSettled(background);
        await hubReloader.retired();
        // Write-backs run after their responses: let them land before the store goes away.
        await settleAll();
        adminToken?.remove();
        await store.close();
      },
    };
  } catch (error) {
    for (const step of undo.reverse()) await step();
    await store.close();
    throw error;
  }
}
