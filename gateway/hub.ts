import type { FastifyInstance } from 'fastify';
import type { GraphQLSchema } from 'graphql';
import type { SwitchboardConfig } from '../config';
import type { Connector, ConnectorFactory } from '../connectors/kit';
import type { ConnectorRuntime } from './runtime';
import { hasHubCode } from '../schema/errors';
import { createHubSubschema, screenPopQuery } from '../schema/hub';
import { syncIdentities, type SyncProgress, type SyncReport } from '../schema/identity';
import { buildSnapshots, type SnapshotProgress, type SnapshotReport } from '../schema/snapshot';
import { openStore, withDeadline, type StoreConnection } from '../store';
import { prepareRepositories } from './repositories';
import { createConnectors } from './connectors';
import { createContextFactory } from './context';
import { consoleLogger, type HubLogger } from './logger';
import { HubMetrics } from './metrics';
import { ApolloServerPluginFreshness } from './plugins/freshness';
import { ApolloServerPluginPartialStatus } from './plugins/partial-status';
import { ApolloServerPluginIntrospectionByRole } from './plugins/introspection-by-role';
import { ApolloServerPluginResponseCache } from './plugins/response-cache';
import { createGatewayServer, GRAPHQL_PATH } from './server';
import { createSnapshotRunner } from './snapshot-schedule';
import { buildGatewaySchema } from './stitch';
import { NOTICE_TOLERANCE_SECONDS, registerWebhooks } from './webhooks';
import { NoticeLedger } from '../store/notice-ledger.repository';
import { CUSTOMER_MAP_LEASE, StoreLease } from '../store/lease';
import { createAdminToken, registerAdminRoutes, type FullSync } from './admin';
import { findPolicyFile, mayReadMetrics, prepareAuthentication } from './auth/setup';
import { figurePolicy, loadAccessPolicy, type FigureGate } from './auth/policy';
import { ApolloServerPluginFieldPolicy } from './plugins/field-policy';
import { principalOf } from './auth/hook';
import { ApiKeyRepository, type CreatedApiKey } from '../store/api-keys.repository';
import { decideIdentitySync, describeSync } from './identity-on-start';
import { createReadinessCheck, registerHealthRoutes } from './health';
import { buildEveryConnectorSchema } from './schema-file';
import { discoverConnectors } from './connector-discovery';
import { loadConnectorDeclaration } from './declarations';
import { loadTrustedDocuments } from './trusted-documents';

/** A running hub. */
export interface Hub {
  /** The GraphQL endpoint, e.g. `http://localhost:4000/graphql`. */
  readonly url: string;
  readonly schema: GraphQLSchema;
  readonly app: FastifyInstance;
  readonly store: StoreConnection;
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
}

/**
 * Starts the hub: connects the repository (embedded MongoDB unless `mongodb.uri` is set), builds
 * the configured connectors over it, syncs identities when the map is empty (per
 * `identity.syncOnStart`), stitches the graph and serves it with metrics and change notices.
 */
export async function startHub(config: SwitchboardConfig, options: StartHubOptions = {}): Promise<Hub> {
  const logger = options.logger ?? consoleLogger;
  const metrics = new HubMetrics();
  const store = await openStore(config.mongodb, { onCommand: (name) => metrics.storeCommand(name) });
  if (store.embeddedTcpUri)
    logger.warn(
      `the embedded store also listens on ${store.embeddedTcpUri} (mongodb.embeddedTcp), without authentication: any local user can read and write it`,
    );
  // What start-up has created so far, undone in reverse if a later step fails.
  const undo: Array<() => Promise<void> | void> = [];
  try {
    const runtime: ConnectorRuntime = {
      db: config.cache.enabled ? store.db : null,
      memoryEntries: config.cache.enabled ? config.cache.memoryEntries : 0,
      memoryBytes: config.cache.memoryBytes,
      storeDeadlines: { readTimeoutMs: config.cache.readTimeoutMs, writeTimeoutMs: config.cache.writeTimeoutMs },
      metrics,
      now: options.now ?? (() => new Date()),
      warn: (message) => logger.warn(message),
    };
    const factories = options.connectorFactories ?? discoverConnectors(config, loadConnectorDeclaration);
    const connectors = createConnectors(config, factories, runtime);
    const responses = ApolloServerPluginResponseCache({
      maxEntries: config.cache.enabled ? config.cache.responses.maxEntries : 0,
      maxBytes: config.cache.responses.maxBytes,
      maxAgeSeconds: config.cache.responses.maxAgeSeconds,
      now: runtime.now,
    });
    const { identities: repository, snapshots } = await prepareRepositories(store, connectors);
    const { authenticate, demoKeys, mode } = await prepareAuthentication(config, store.db, runtime.now);
    // Kept past the timestamp window (both directions) so no replay outlives its entry.
    const notices = new NoticeLedger(store.db, 2 * NOTICE_TOLERANCE_SECONDS + 60, store.deadlines.requestMs);
    await notices.ensureIndexes();
    // Identity syncs and snapshot runs rebuild the same customer map: in this hub they take turns
    // (one chain, and a second sync caller joins the one under way), and across processes the
    // store lease keeps a second hub or `npm run sync` out. Anything that may change what a
    // query answers clears the response cache.
    const mapLease = new StoreLease(store.db, CUSTOMER_MAP_LEASE, 10 * 60_000, undefined, store.deadlines.batchMs);
    let mapWork: Promise<unknown> = Promise.resolve();
    const exclusive = <T>(work: () => Promise<T>): Promise<T> => {
      const run = mapWork.then(work, work);
      mapWork = run.catch(() => undefined);
      return run;
    };
    // Bumped by each sync that commits a map: a snapshot run records the version it reads, so a
    // sync's follow-up never joins a run that began on the map before it.
    let mapVersion = 0;
    let syncing: Promise<SyncReport> | null = null;
    const sync = (onProgress?: (progress: SyncProgress) => void): Promise<SyncReport> =>
      (syncing ??= exclusive(async () => {
        const report = await syncIdentities({
          connectors,
          repository,
          defaultCountry: config.identity.defaultCountry,
          pageSize: config.identity.pageSize,
          onProgress,
          lease: mapLease,
        });
        mapVersion += 1;
        return report;
      }).finally(() => {
        syncing = null;
        responses.clear();
      }));

    const decision = await decideIdentitySync(config.identity.syncOnStart, connectors, repository, logger);
    let snapshotsOfAnotherWorld = false;
    if (decision.sync) {
      try {
        logger.info(describeSync(await sync()));
        if (decision.otherWorld) {
          // Figures of another world's customers must not answer filters: until a new run has
          // finished, filtered lists say SNAPSHOT_UNAVAILABLE rather than serve them.
          await snapshots.discard();
          snapshotsOfAnotherWorld = true;
        }
      } catch (error) {
        // Serving an empty or older identity map beats not serving: look-ups answer null until a sync succeeds.
        logger.warn(
          `${(error as Error).message}. Serving the identity map as it is; run \`npm run sync\` once the system is back.`,
        );
      }
    }

    let figureGate: FigureGate = () => false;
    const byName = new Map(connectors.map((c) => [c.name, c]));
    const hub = createHubSubschema({
      repository,
      snapshots,
      figureSources: connectors,
      // Bound once the policy is loaded (it is checked against the stitched schema); until then, no one.
      mayUseFigure: (principal, figure) => figureGate(principal, figure),
      defaultCountry: config.identity.defaultCountry,
      refresh: async (system, key) => {
        const connector = byName.get(system);
        if (!connector) throw new Error(`The ${system} system is not connected to this hub`);
        try {
          await connector.refresh([key]);
        } catch (error) {
          // The payload is data, past formatError: only a hub error's own sentence is public.
          if (hasHubCode(error)) throw error;
          logger.error(`refreshCustomer: ${system} ${key} failed`, error);
          throw new Error(`The ${system} system could not be refreshed (details are in the hub's log)`);
        } finally {
          responses.clear();
        }
      },
    });
    const schema = buildGatewaySchema(hub, connectors);
    // A policy names every shipped department's types; a connector switched off (or an optional
    // one not installed) is no typo.
    let everyConnector: GraphQLSchema | null = null;
    const policy = loadAccessPolicy(
      findPolicyFile(config.auth.policyFile),
      schema,
      (type) =>
        (everyConnector ??= buildEveryConnectorSchema(config, options.connectorFactories)).getType(type) !== undefined,
    );
    figureGate = figurePolicy(policy, schema);
    const adminToken = store.embedded && !config.mongodb.memory ? createAdminToken(config.mongodb.dataDir) : null;
    if (adminToken) undo.push(() => adminToken.remove());
    const snapshotState = await snapshots.readState();
    const snapshotRunner = createSnapshotRunner({
      run: ({ onProgress, shouldStop, started }) =>
        exclusive(() => {
          started();
          return buildSnapshots({
            connectors,
            identities: repository,
            snapshots,
            batchSize: config.snapshot.batchSize,
            onProgress,
            shouldStop,
            now: runtime.now,
            lease: mapLease,
          });
        }).finally(() => responses.clear()),
      mapVersion: () => mapVersion,
      intervalMinutes: config.snapshot.intervalMinutes,
      // On a schedule, a missing or unfinished snapshot is built now rather than a whole interval later.
      // After a re-sync into another world the old snapshot is gone: build one now, whatever the schedule.
      runAtStart: snapshotsOfAnotherWorld || (config.snapshot.intervalMinutes !== null && !snapshotState?.finishedAt),
      logger,
    });
    undo.push(() => snapshotRunner.stop());
    // A run under way when the sync began read the old map: its report is not this sync's.
    const fullSync: FullSync = async (progress) => {
      const identity = await sync((p) => progress({ event: 'identity', ...p }));
      const snapshots = await snapshotRunner.run((p) => progress({ event: 'snapshots', ...p }), {
        readsMapVersion: mapVersion,
      });
      return { identity, snapshots };
    };
    // Only the demo's made-up customers are shown off; a real customer's phone is nobody's example.
    const examplePhone = mode === 'demo' ? ((await repository.example(connectors.length))?.phones[0] ?? null) : null;
    const secrets = Object.fromEntries(
      connectors.map((c) => [c.name, config.connectors[c.name]?.webhookSecret ?? null]),
    );
    const readiness = createReadinessCheck({
      // Under the request deadline: a stalled store is STORE_UNAVAILABLE, not a probe left hanging.
      pingStore: () =>
        withDeadline(store.deadlines.requestMs, 'a ping', ({ signal }) => store.db.command({ ping: 1 }, { signal })),
      connectors,
      logger,
      now: () => runtime.now().getTime(),
    });
    const trusted = config.auth.trustedDocuments;
    const { app } = await createGatewayServer({
      schema,
      createContext: createContextFactory([hub, ...connectors]),
      authenticate,
      logger,
      limits: config.limits,
      exposeLimits: !config.production,
      trustedDocuments: trusted.file
        ? {
            documents: loadTrustedDocuments(trusted.file, schema),
            mayRunAnyDocument: (principal) => trusted.anyDocumentRoles.some((role) => principal.roles.has(role)),
          }
        : undefined,
      examplePhone,
      exampleQuery: screenPopQuery(connectors),
      // The policy first: it cuts denied fields before execution and fills their errors in before
      // the response cache sees the answer.
      plugins: [
        ApolloServerPluginFieldPolicy({
          policy,
          schema,
        }),
        ApolloServerPluginIntrospectionByRole({ enabled: config.production }),
        ApolloServerPluginFreshness(),
        ApolloServerPluginPartialStatus(),
        ...responses.plugins,
      ],
      routes: [
        (server) => registerHealthRoutes(server, readiness),
        (server) => {
          server.get('/metrics', async (request, reply) => {
            if (!mayReadMetrics(principalOf(request))) {
              return reply.code(403).send({
                errors: [
                  { message: 'Metrics are for the admin and integrator roles', extensions: { code: 'FORBIDDEN' } },
                ],
              });
            }
            return reply.type(metrics.contentType).send(await metrics.render());
          });
        },
        (server) =>
          registerWebhooks(server, connectors, secrets, logger, () => responses.clear(), runtime.now, notices),
        (server) => {
          // Only a hub that owns an embedded data directory needs a way for `npm run sync` in.
          if (adminToken)
            registerAdminRoutes(
              server,
              (progress) => fullSync(progress),
              adminToken.token,
              new ApiKeyRepository(store.db, store.deadlines.requestMs),
            );
        },
      ],
      // GET /health answers what GET /readyz does (cached, shared, reason codes instead of error text).
      health: () => readiness.check(),
    });
    undo.push(() => app.close());

    let url = '';
    if (options.listen !== false) {
      await app.listen({ host: config.server.host, port: config.server.port });
      const address = app.server.address();
      const port = typeof address === 'object' && address ? address.port : config.server.port;
      url = `http://${config.server.host}:${port}${GRAPHQL_PATH}`;
    }
    return {
      url,
      demoKeys,
      schema,
      app,
      store,
      connectors,
      metrics,
      syncIdentities: sync,
      fullSync,
      buildSnapshots: (onProgress) => snapshotRunner.run(onProgress),
      settle: async () => {
        await Promise.all(connectors.map((c) => c.settle()));
      },
      async close() {
        await snapshotRunner.stop();
        await app.close();
        // Write-backs run after their responses: let them land before the store goes away.
        await Promise.all(connectors.map((c) => c.settle()));
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
