import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import fastifyApollo, { fastifyApolloDrainPlugin, fastifyApolloHandler } from '@as-integrations/fastify';
import type { GraphQLSchema } from 'graphql';
import type { RequestContext } from '../connectors/kit';
import type { Principal } from '../schema/principal';
import { principalOf, registerAuthentication } from './auth/hook';
import type { Authenticator } from './auth/authenticate';
import { createErrorFormatter, type ErrorLogger } from './errors';
import { registerQueryPageAssets, wantsQueryPage } from './query-page';

/** The path the GraphQL endpoint and the query page share. */
export const GRAPHQL_PATH = '/graphql';

/** What the HTTP server needs from the rest of the hub. */
export interface GatewayServerOptions {
  schema: GraphQLSchema;
  createContext: (request: { id: string; principal: Principal }) => RequestContext;
  /** Who is calling: every GraphQL request and `/metrics` go through it before anything runs. */
  authenticate: Authenticator;
  logger: ErrorLogger;
  /** Health of the hub's dependencies, for `GET /health`. */
  health: () => Promise<{ ok: boolean; checks: Record<string, { ok: boolean; detail?: string }> }>;
  /** A phone number to prefill in the query page's variables. */
  examplePhone: string | null;
  /** Apollo plugins beyond the server's own. */
  plugins?: ApolloServerPlugin<RequestContext>[];
  /** Registers the hub's other routes (metrics, change notices...). */
  routes?: Array<(app: FastifyInstance) => Promise<void> | void>;
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
): Promise<{ app: FastifyInstance; apollo: ApolloServer<RequestContext> }> {
  const app = Fastify({ logger: false, bodyLimit: 1_048_576 });
  const apollo = new ApolloServer<RequestContext>({
    schema: options.schema,
    formatError: createErrorFormatter(options.logger),
    includeStacktraceInErrorResponses: false,
    // Introspection stays on: the typed, described schema is how frontend teams discover the graph.
    introspection: true,
    // The CLI owns SIGINT and SIGTERM and stops the server, the store and the demo systems in
    // order. Apollo's own handler (on outside NODE_ENV=test) would stop only itself and then
    // re-raise the signal, killing the process before the rest is closed.
    stopOnTerminationSignals: false,
    plugins: [fastifyApolloDrainPlugin(app), ApolloServerPluginLandingPageDisabled(), ...(options.plugins ?? [])],
  });
  await apollo.start();

  registerAuthentication(
    app,
    options.authenticate,
    (request) => request.url === '/metrics' || (request.url.split('?')[0] === GRAPHQL_PATH && !isQueryPage(request)),
  );
  const context = async (request: FastifyRequest) =>
    options.createContext({ id: request.id, principal: principalOf(request) });
  const renderPage = registerQueryPageAssets(app, GRAPHQL_PATH, options.examplePhone);
  const apolloGet = fastifyApolloHandler(apollo, { context });
  // Apollo answers GraphQL GETs (queries only, CSRF-checked); a browser gets the query page.
  app.get<{ Reply: string }>(GRAPHQL_PATH, async function (request, reply) {
    if (isQueryPage(request)) return reply.type('text/html').send(renderPage());
    return apolloGet.call(this, request, reply);
  });
  await app.register(fastifyApollo(apollo), { path: GRAPHQL_PATH, method: ['POST', 'OPTIONS'], context });

  for (const register of options.routes ?? []) await register(app);
  app.get('/', async (_request, reply) => reply.redirect(GRAPHQL_PATH));
  app.get('/health', async (_request, reply) => {
    const health = await options.health();
    return reply.code(health.ok ? 200 : 503).send({ status: health.ok ? 'ok' : 'degraded', checks: health.checks });
  });
  return { app, apollo };
}
