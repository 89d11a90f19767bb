import Fastify, { type FastifyError, type FastifyInstance, type FastifyRequest } from 'fastify';
import { ApolloServer, type ApolloServerOptionsWithGateway, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { fastifyApolloDrainPlugin, fastifyApolloHandler } from '@as-integrations/fastify';
import type { GraphQLSchema } from 'graphql';
import type { SwitchboardConfig } from '../config';
import type { RequestContext } from './runtime';
import type { Principal } from '../schema/principal';
import { principalOf, registerAuthentication } from './auth/hook';
import type { Authenticator } from './auth/authenticate';
import { ErrorCode, type QueryLimit } from '../schema/errors';
import { createErrorFormatter, type ErrorLogger } from './errors';
import { ApolloServerPluginDeadline, withDeadline } from './plugins/deadline';
import { ApolloServerPluginLegacyJsonStatus } from './plugins/legacy-json-status';
import { createQueryLimits, limitMessage, type QueryLimits } from './plugins/query-limits';
import { registerLoadShedding } from './load-shedding';
import { registerRateLimits } from './rate-limit';
import { registerQueryPageAssets, wantsQueryPage } from './query-page';
import type { TrustedDocuments } from './trusted-documents';
import { registerTrustedDocuments } from './trusted-documents-hook';
import { EXPORT_ROUTE } from './saved-query-export';

/** The path the GraphQL endpoint and the query page share. */
export const GRAPHQL_PATH = '/graphql';

/** What the HTTP server needs from the rest of the hub. */
export interface GatewayServerOptions {
  /**
   * What Apollo Server executes: a fixed schema, or a gateway whose schema can change while it
   * serves (`createSchemaSwap`). Give exactly one.
   */
  schema?: GraphQLSchema;
  gateway?: ApolloServerOptionsWithGateway<RequestContext>['gateway'];
  createContext: (request: { id: string; principal: Principal }) => RequestContext;
  /** Who is calling: every GraphQL request and `/metrics` go through it before anything runs. */
  authenticate: Authenticator;
  logger: ErrorLogger;
  /** Health of the hub's dependencies, for `GET /health`. */
  health: () => Promise<{ ok: boolean; checks: Record<string, { ok: boolean; detail?: string }> }>;
  /** A phone number to prefill in the query page's variables. */
  examplePhone: string | null;
  /** The query the query page opens on (the screen pop over the connectors installed), read at each page view. */
  exampleQuery: string | (() => string);
  /** Apollo plugins beyond the server's own. */
  plugins?: ApolloServerPlugin<RequestContext>[];
  /** Registers the hub's other routes (metrics, change notices...). */
  routes?: Array<(app: FastifyInstance) => Promise<void> | void>;
  /** The budgets against hostile input (`limits` in the configuration). */
  limits: SwitchboardConfig['limits'];
  /** Say the limits' numbers in their errors (default: outside `NODE_ENV=production`). */
  exposeLimits?: boolean;
  /** Counts a request refused because the hub was saturated (`limits.shedding`), by the signal that said so. */
  onShed?: (signal: string) => void;
  /** Run only these documents, except for callers `mayRunAnyDocument` lets through (`auth.trustedDocuments`). */
  trustedDocuments?: { documents: TrustedDocuments; mayRunAnyDocument: (principal: Principal) => boolean };
}

/** A GraphQL-shaped error body, for answers given before Apollo Server sees the request. */
function errorBody(message: string, extensions: Record<string, unknown>) {
  return { errors: [{ message, extensions }] };
}

/** A browser asking for the query page (an HTML page with no data in it: it needs no credential). */
function isQueryPage(request: FastifyRequest): boolean {
  return request.method === 'GET' && wantsQueryPage(request.headers.accept, request.query);
}

/**
 * Builds the HTTP server: Apollo Server on `/graphql` (POST, and GET for queries), the offline
 * query page on `GET /graphql` from a browser, and `GET /health`.
 */
export async function createGatewayServer(
  options: GatewayServerOptions,
): Promise<{ app: FastifyInstance; apollo: ApolloServer<RequestContext>; queryLimits: QueryLimits }> {
  const { limits } = options;
  const expose = options.exposeLimits ?? process.env.NODE_ENV !== 'production';
  const app = Fastify({
    logger: false,
    bodyLimit: limits.bodyBytes,
    // Slow clients: a connection trickling its headers or body is closed once these run out.
    requestTimeout: limits.http.requestTimeoutMs,
    connectionTimeout: limits.http.connectionTimeoutMs,
    keepAliveTimeout: limits.http.keepAliveTimeoutMs,
    // Node checks the header and request timeouts every connectionsCheckingInterval (default 30 s).
    http: {
      headersTimeout: limits.http.headersTimeoutMs,
      connectionsCheckingInterval: Math.min(1_000, limits.http.headersTimeoutMs),
    },
  });
  const queryLimits = createQueryLimits({ ...limits, exposeLimits: expose });
  if ((options.schema === undefined) === (options.gateway === undefined))
    throw new TypeError('createGatewayServer needs exactly one of `schema` and `gateway`');
  const graph = options.gateway ? { gateway: options.gateway } : { schema: options.schema as GraphQLSchema };
  const apollo = new ApolloServer<RequestContext>({
    ...graph,
    // No automatic persisted queries: a hash-only request has no query text for the response
    // cache and the budgets to read; registered documents come as trusted documents instead.
    persistedQueries: false,
    formatError: createErrorFormatter(options.logger, { exposeLimits: expose, maxTokens: limits.tokens }),
    includeStacktraceInErrorResponses: false,
    // Introspection stays on: the typed, described schema is how frontend teams discover the graph.
    introspection: true,
    // One operation per request: a batch would multiply every per-operation budget by its length.
    allowBatchedHttpRequests: false,
    parseOptions: queryLimits.parseOptions,
    validationRules: queryLimits.validationRules,
    // The CLI owns SIGINT and SIGTERM and stops the server, the store and the demo systems in
    // order. Apollo's own handler (on outside NODE_ENV=test) would stop only itself and then
    // re-raise the signal, killing the process before the rest is closed.
    stopOnTerminationSignals: false,
    plugins: [
      fastifyApolloDrainPlugin(app),
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginLegacyJsonStatus(),
      queryLimits.plugin,
      ApolloServerPluginDeadline({ timeoutMs: limits.executionTimeoutMs }),
      ...(options.plugins ?? []),
    ],
  });
  await apollo.start();

  // Errors fastify raises before Apollo (body too large, unreadable JSON) get a GraphQL-shaped body.
  app.setErrorHandler(async (error: FastifyError, request, reply) => {
    const status = error.statusCode ?? 500;
    if (request.routeOptions.url !== GRAPHQL_PATH || status >= 500) throw error;
    const tooLarge = status === 413;
    const message = tooLarge
      ? expose
        ? `The request body is larger than ${limits.bodyBytes} bytes (limits.bodyBytes)`
        : 'The request body is too large.'
      : status === 415
        ? 'Send the request as application/json (or a GET with the query in its URL)'
        : 'The request body is not valid JSON';
    return reply
      .code(status)
      .send(errorBody(message, { code: tooLarge ? ErrorCode.PAYLOAD_TOO_LARGE : ErrorCode.BAD_USER_INPUT }));
  });
  // First of the hooks: a saturated hub refuses before it spends anything on the request.
  await registerLoadShedding(app, limits.shedding, options.onShed);
  await registerRateLimits(app, { ...limits.rate, paths: [GRAPHQL_PATH, EXPORT_ROUTE] });
  // The document's length is checked before Apollo sees it, so an oversized one is never lexed.
  app.addHook('preHandler', async (request, reply) => {
    if (request.routeOptions.url !== GRAPHQL_PATH) return;
    const source = request.method === 'GET' ? request.query : request.body;
    const query = (source as { query?: unknown } | undefined)?.query;
    if (typeof query !== 'string' || query.length <= limits.documentCharacters) return;
    const limit: QueryLimit = 'documentCharacters';
    return reply.code(400).send(
      errorBody(limitMessage(limit, expose, limits.documentCharacters, query.length), {
        code: ErrorCode.QUERY_TOO_COMPLEX,
        limit,
      }),
    );
  });

  registerAuthentication(
    app,
    options.authenticate,
    // By the route matched, never the raw URL (`/%67raphql` is routed to /graphql too).
    (request) =>
      request.routeOptions.url === '/metrics' ||
      request.routeOptions.url === EXPORT_ROUTE ||
      (request.routeOptions.url === GRAPHQL_PATH && request.method !== 'OPTIONS' && !isQueryPage(request)),
  );
  if (options.trustedDocuments) {
    const { documents, mayRunAnyDocument } = options.trustedDocuments;
    registerTrustedDocuments(app, GRAPHQL_PATH, documents, mayRunAnyDocument);
  }
  const context = async (request: FastifyRequest) =>
    options.createContext({ id: request.id, principal: principalOf(request) });
  const renderPage = registerQueryPageAssets(app, GRAPHQL_PATH, {
    query: options.exampleQuery,
    phone: options.examplePhone,
  });
  const apolloHandler = fastifyApolloHandler(apollo, { context });
  // The answer is bounded even when a resolver hangs; the deadline plugin stops the work itself.
  const handle: typeof apolloHandler = async function (request, reply) {
    const outcome = await withDeadline(
      Promise.resolve(apolloHandler.call(this, request, reply)),
      limits.executionTimeoutMs,
    );
    if (outcome.done) return outcome.value;
    return reply
      .code(504)
      .type('application/json; charset=utf-8')
      .send(
        JSON.stringify(
          errorBody(`The operation did not finish within ${limits.executionTimeoutMs} ms and was abandoned`, {
            code: ErrorCode.OPERATION_TIMEOUT,
          }),
        ),
      );
  };
  // Apollo answers GraphQL GETs (queries only, CSRF-checked); a browser gets the query page.
  app.get<{ Reply: string }>(GRAPHQL_PATH, async function (request, reply) {
    if (isQueryPage(request)) return reply.type('text/html').send(renderPage());
    return handle.call(this, request, reply);
  });
  app.route({ method: ['POST', 'OPTIONS'], url: GRAPHQL_PATH, handler: handle });

  for (const register of options.routes ?? []) await register(app);
  app.get('/', async (_request, reply) => reply.redirect(GRAPHQL_PATH));
  app.get('/health', async (_request, reply) => {
    const health = await options.health();
    return reply.code(health.ok ? 200 : 503).send({ status: health.ok ? 'ok' : 'degraded', checks: health.checks });
  });
  return { app, apollo, queryLimits };
}
