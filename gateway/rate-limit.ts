import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { REFRESH_FIELD } from './plugins/query-limits';
import { tooManyRequests } from './too-many-requests';
import { principalIfAny } from './auth/hook';

/** Options of `registerRateLimits`. */
export interface RateLimitOptions {
  /** GraphQL requests per minute per key (0: no budget). */
  requestsPerMinute: number;
  /** Requests naming `refreshCustomer`, per minute per key, counted apart (0: no budget). */
  refreshesPerMinute: number;
  /** The routes budgeted (the GraphQL endpoint). */
  paths: readonly string[];
}

/**
 * Who a request is charged to: the verified caller (the auth hook ran in `onRequest`, before
 * this `preHandler`), so an invented credential never buys a fresh budget: it was refused with
 * 401 before. Demo mode's anonymous caller is one principal for everyone, so it is charged by
 * client address instead.
 */
export function rateLimitKey(request: FastifyRequest): string {
  const principal = principalIfAny(request);
  if (principal && principal.kind !== 'demo') return `principal:${principal.id}`;
  return `address:${request.ip}`;
}

/** True when the request's document could call `refreshCustomer`: a name token can only be spelled one way. */
function namesRefresh(request: FastifyRequest): boolean {
  const body = request.body as { query?: unknown } | undefined;
  const query = request.method === 'GET' ? (request.query as { query?: unknown }).query : body?.query;
  return typeof query === 'string' && query.includes(REFRESH_FIELD);
}

/**
 * Rate limits with `@fastify/rate-limit`, per credential or client address: a general budget of
 * GraphQL requests, and a separate, smaller one for requests that name `refreshCustomer` (each
 * of which asks every department system). Over budget is 429 with `Retry-After` and a
 * GraphQL-shaped body (`RATE_LIMITED`), before the document is parsed.
 */
export async function registerRateLimits(app: FastifyInstance, options: RateLimitOptions): Promise<void> {
  if (options.requestsPerMinute === 0 && options.refreshesPerMinute === 0) return;
  await app.register(rateLimit, { global: false });
  const general = app.createRateLimit({
    max: options.requestsPerMinute,
    timeWindow: 60_000,
    keyGenerator: rateLimitKey,
  });
  const refreshes = app.createRateLimit({
    max: options.refreshesPerMinute,
    timeWindow: 60_000,
    keyGenerator: (request) => `refresh:${rateLimitKey(request)}`,
  });
  const paths = new Set(options.paths);
  // preHandler: after the body is parsed (bounded by bodyLimit), since the refresh budget reads the document.
  app.addHook('preHandler', async (request, reply) => {
    if (!paths.has(request.routeOptions.url ?? '') || request.method === 'OPTIONS') return;
    const refresh = options.refreshesPerMinute > 0 && namesRefresh(request);
    const budget = refresh ? 'refreshCustomer' : 'requests';
    if (!refresh && options.requestsPerMinute === 0) return;
    const result = await (refresh ? refreshes : general)(request);
    if (!result.isAllowed && result.isExceeded)
      return tooManyRequests(
        reply,
        result.ttlInSeconds,
        `Too many requests (${budget}): try again in ${result.ttlInSeconds} s`,
      );
  });
}
