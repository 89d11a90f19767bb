import type { FastifyInstance } from 'fastify';
import type { SwitchboardConfig } from '../config';
import { builtInConnectors } from '../connectors';
import type { Connector, ConnectorFactory } from '../connectors/kit';
import { createHubSubschema } from '../schema/hub';
import { syncIdentities, type SyncProgress, type SyncReport } from '../schema/identity';
import { IdentityRepository, openStore, type StoreConnection } from '../store';
import { createConnectors } from './connectors';
import { createContextFactory } from './context';
import { consoleLogger, type HubLogger } from './logger';
import { createGatewayServer, GRAPHQL_PATH } from './server';
import { buildGatewaySchema } from './stitch';
import type { GraphQLSchema } from 'graphql';

/** A running hub. */
export interface Hub {
  /** The GraphQL endpoint, e.g. `http://127.0.0.1:4000/graphql`. */
  readonly url: string;
  readonly schema: GraphQLSchema;
  readonly app: FastifyInstance;
  readonly store: StoreConnection;
  readonly connectors: readonly Connector[];
  /** Re-reads every system's directory and rewrites the identity map. */
  syncIdentities(onProgress?: (progress: SyncProgress) => void): Promise<SyncReport>;
  close(): Promise<void>;
}

/** How to start a hub beyond its configuration. */
export interface StartHubOptions {
  logger?: HubLogger;
  /** The connector factories installed; default the built-in four. */
  connectorFactories?: readonly ConnectorFactory[];
  /** Listen on HTTP (default true); false builds everything but serves nothing (tests). */
  listen?: boolean;
}

/**
 * Starts the hub: connects the repository (embedded MongoDB unless `mongodb.uri` is set), builds
 * the configured connectors, syncs identities when the map is empty (per `identity.syncOnStart`),
 * stitches the graph and serves it.
 */
export async function startHub(config: SwitchboardConfig, options: StartHubOptions = {}): Promise<Hub> {
  const logger = options.logger ?? consoleLogger;
  const connectors = createConnectors(config, options.connectorFactories ?? builtInConnectors);
  const store = await openStore(config.mongodb);
  try {
    const repository = new IdentityRepository(store.db);
    await repository.ensureIndexes();
    const sync = (onProgress?: (progress: SyncProgress) => void) =>
      syncIdentities({ connectors, repository, defaultCountry: config.identity.defaultCountry, pageSize: config.identity.pageSize, onProgress });

    const mode = config.identity.syncOnStart;
    if (mode === 'always' || (mode === 'ifEmpty' && (await repository.count()) === 0)) {
      try {
        const report = await sync();
        logger.info(`Identity sync: ${report.customers} customers from ${JSON.stringify(report.records)} in ${report.durationMs} ms`);
      } catch (error) {
        // Serving an empty or older identity map beats not serving: look-ups answer null until a sync succeeds.
        logger.warn(`${(error as Error).message}. Serving the identity map as it is; run \`npm run sync\` once the system is back.`);
      }
    }

    const hub = createHubSubschema({ repository, defaultCountry: config.identity.defaultCountry });
    const schema = buildGatewaySchema(hub, connectors);
    let examplePhone: string | null = null;
    const { app } = await createGatewayServer({
      schema,
      createContext: createContextFactory([hub, ...connectors]),
      logger,
      examplePhone: () => examplePhone,
      health: async () => {
        const checks: Record<string, { ok: boolean; detail?: string }> = {};
        const results = await Promise.all(connectors.map((c) => c.health()));
        connectors.forEach((c, i) => (checks[c.name] = results[i]!));
        try {
          await store.db.command({ ping: 1 });
          checks.store = { ok: true };
        } catch (error) {
          checks.store = { ok: false, detail: (error as Error).message };
        }
        return { ok: Object.values(checks).every((check) => check.ok), checks };
      },
    });
    examplePhone = (await repository.page(1, null)).items[0]?.phones[0] ?? null;

    let url = '';
    if (options.listen !== false) {
      await app.listen({ host: config.server.host, port: config.server.port });
      const address = app.server.address();
      const port = typeof address === 'object' && address ? address.port : config.server.port;
      url = `http://${config.server.host}:${port}${GRAPHQL_PATH}`;
    }
    return {
      url,
      schema,
      app,
      store,
      connectors,
      syncIdentities: sync,
      async close() {
        await app.close();
        await store.close();
      },
    };
  } catch (error) {
    await store.close();
    throw error;
  }
}
