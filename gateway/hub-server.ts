import type { SwitchboardConfig } from '../config';
import type { Authenticator } from './auth/authenticate';
import type { SavedQueries } from '../schema/saved-query';
import { CLIENT_OPERATIONS } from '../schema/saved-query/client-operations';
import type { StoreConnection } from '../store';
import { ApiKeyRepository } from '../store/api-keys.repository';
import type { NoticeLedger } from '../store/notice-ledger.repository';
import { registerAdminRoutes, type FullSync } from './admin';
import { registerConsole } from './console-page';
import type { Generation } from './generation';
import { registerHealthRoutes } from './health';
import type { HubLogger } from './logger';
import { type HubMetrics, registerMetricsRoute } from './metrics';
import { ApolloServerPluginFieldPolicy } from './plugins/field-policy';
import { ApolloServerPluginFreshness } from './plugins/freshness';
import { ApolloServerPluginIntrospectionByRole } from './plugins/introspection-by-role';
import { ApolloServerPluginPartialStatus } from './plugins/partial-status';
import type { ResponseCache } from './plugins/response-cache';
import { registerSavedQueryExport } from './saved-query-export';
import type { SchemaSwap } from './schema-swap';
import { createGatewayServer } from './server';
import { bareId, documentHash, trustedDocumentsFrom, type TrustedDocuments } from './trusted-documents';
import { registerWebhooks } from './webhooks';

/** What the hub's HTTP side is built from: the parts start-up made, and what it serves them with. */
export interface HubServerParts {
  config: SwitchboardConfig;
  swap: SchemaSwap<Generation>;
  authenticate: Authenticator;
  logger: HubLogger;
  metrics: HubMetrics;
  responses: ResponseCache;
  notices: NoticeLedger;
  store: StoreConnection;
  now: () => Date;
  fullSync: FullSync;
  /** The token `npm run sync` brings to a hub that owns an embedded data directory; null otherwise. */
  adminToken: { token: string } | null;
  /** The demo customer's phone the query page offers; null outside demo mode. */
  examplePhone: string | null;
  /** The saved queries, once they exist (they are built on the server this returns). */
  savedQueries: () => SavedQueries | null;
  /** Where the console's bundle is (default: `dist/console`). */
  consoleAssets?: string;
}

/**
 * The documents a hub in trusted-documents mode runs: the generation serving's registered list
 * (re-validated by each reload), the operations of the hub's own clients (the console,
 * `switchboard query`; without them an analyst could not even list saved queries), and every
 * saved query version, looked up in the store by hash.
 */
function hubTrustedDocuments(swap: SchemaSwap<Generation>, savedQueries: () => SavedQueries | null): TrustedDocuments {
  const clientDocuments = trustedDocumentsFrom(
    new Map(CLIENT_OPERATIONS.map((text) => [documentHash(text), text])),
    swap.current.schema,
    "the console's and `switchboard query`'s operations",
  );
  return {
    byId: async (id) =>
      swap.current.trustedDocuments?.byId(id) ??
      clientDocuments.byId(id) ??
      (await savedQueries()?.documentByHash(bareId(id))) ??
      undefined,
    includes: async (text) =>
      (swap.current.trustedDocuments?.includes(text) ?? false) ||
      clientDocuments.includes(text) ||
      ((await savedQueries()?.documentByHash(documentHash(text))) ?? null) !== null,
  };
}

/**
 * The hub's HTTP server: the GraphQL endpoint with the hub's plugins, and its other routes
 * (health, metrics, the console, exports, change notices, the admin routes). Built, not listening.
 */
export function createHubServer(parts: HubServerParts): ReturnType<typeof createGatewayServer> {
  const { config, swap, logger, metrics, responses, store, adminToken } = parts;
  const trustedFile = config.auth.trustedDocuments.file;
  return createGatewayServer({
    gateway: swap.gateway,
    createContext: (request) => swap.createContext(request),
    authenticate: parts.authenticate,
    logger,
    limits: config.limits,
    exposeLimits: !config.production,
    onShed: (signal) => metrics.requestShed(signal),
    trustedDocuments: trustedFile
      ? {
          documents: hubTrustedDocuments(swap, parts.savedQueries),
          mayRunAnyDocument: (principal) =>
            config.auth.trustedDocuments.anyDocumentRoles.some((role) => principal.roles.has(role)),
        }
      : undefined,
    examplePhone: parts.examplePhone,
    exampleQuery: () => swap.current.exampleQuery,
    // First the count of each generation's requests; then the policy: it cuts denied fields
    // before execution and fills their errors in before the response cache sees the answer. A
    // request is judged by the policy loaded against the schema it was validated against.
    plugins: [
      swap.plugin,
      ApolloServerPluginFieldPolicy({ policyFor: (schema) => swap.generationOf(schema)?.policy }),
      ApolloServerPluginIntrospectionByRole({ enabled: config.production }),
      ApolloServerPluginFreshness(),
      ApolloServerPluginPartialStatus(),
      ...responses.plugins,
    ],
    routes: [
      (server) => registerHealthRoutes(server, () => swap.current.readiness),
      (server) => registerMetricsRoute(server, metrics),
      (server) => registerConsole(server, parts.consoleAssets),
      (server) =>
        registerSavedQueryExport(server, {
          savedQueries: parts.savedQueries,
          schema: () => swap.current.schema,
          mayRun: (principal) => swap.current.policy.allows(principal.roles, 'Query', 'runSavedQuery'),
          logger,
        }),
      // Change notices find their connector when they arrive: fastify adds no route after listen.
      (server) =>
        registerWebhooks(
          server,
          { find: (name) => swap.current.webhookTarget(name) },
          logger,
          () => responses.clear(),
          parts.now,
          parts.notices,
        ),
      (server) => {
        // Only a hub that owns an embedded data directory needs a way for `npm run sync` in.
        if (adminToken)
          registerAdminRoutes(
            server,
            (progress) => parts.fullSync(progress),
            adminToken.token,
            new ApiKeyRepository(store.db, store.deadlines.requestMs),
          );
      },
    ],
    // GET /health answers what GET /readyz does (cached, shared, reason codes instead of error text).
    health: () => swap.current.readiness.check(),
  });
}
