import type { FastifyInstance, FastifyRequest } from 'fastify';
import { LRUCache } from 'lru-cache';
import type { Principal } from '../../schema/principal';
import { tooManyRequests } from '../too-many-requests';
import { isStoreUnavailable } from '../../store/deadline';
import { storeUnavailable } from '../../schema/errors';
import { unauthenticatedResponse, type AuthOutcome, type Authenticator } from './authenticate';

/** Refused credentials one client address may send per window before it is refused unheard. */
export const MAX_FAILURES_PER_WINDOW = 30;
const FAILURE_WINDOW_MS = 60_000;

// The caller travels on the request itself, set once by the hook below.
const PRINCIPAL = Symbol('switchboard.principal');
type WithPrincipal = FastifyRequest & { [PRINCIPAL]?: Principal };

/**
 * Authenticates every request `guarded` selects, in one `onRequest` hook, before the body is
 * read or anything runs: a refused credential is `401` with `WWW-Authenticate` and
 * UNAUTHENTICATED, and nothing is executed.
 */
export function registerAuthentication(
  app: FastifyInstance,
  authenticate: Authenticator,
  guarded: (request: FastifyRequest) => boolean,
): void {
  // Refused credentials per client address: past the budget the hook answers 429 without
  // verifying, so guessing keys cannot turn into a flood of store reads.
  const failures = new LRUCache<string, { count: number; since: number }>({ max: 10_000 });
  app.addHook('onRequest', async (request, reply) => {
    if (!guarded(request)) return;
    const window = failures.get(request.ip);
    const now = Date.now();
    if (window && now - window.since < FAILURE_WINDOW_MS && window.count >= MAX_FAILURES_PER_WINDOW) {
      const retryAfter = Math.ceil((window.since + FAILURE_WINDOW_MS - now) / 1000);
      return tooManyRequests(
        reply,
        retryAfter,
        `Too many refused credentials from this address: try again in ${retryAfter} s`,
      );
    }
    let outcome: AuthOutcome;
    try {
      outcome = await authenticate(request.headers.authorization);
    } catch (error) {
      // A key check the store cannot answer is the store's outage, not the caller's fault nor a crash.
      if (!isStoreUnavailable(error)) throw error;
      const { message, extensions } = storeUnavailable();
      return reply
        .code(503)
        .header('retry-after', '5')
        .type('application/json')
        .send({ errors: [{ message, extensions: { code: extensions.code } }] });
    }
    if (outcome.ok) {
      (request as WithPrincipal)[PRINCIPAL] = outcome.principal;
      return;
    }
    if (outcome.failure !== 'missing') {
      const fresh = !window || now - window.since >= FAILURE_WINDOW_MS;
      failures.set(request.ip, fresh ? { count: 1, since: now } : { count: window.count + 1, since: window.since });
    }
    const { headers, body } = unauthenticatedResponse(outcome.failure);
    return reply.code(401).headers(headers).type('application/json').send(body);
  });
}

/** The caller the hook established, or undefined on a route it does not guard. */
export function principalIfAny(request: FastifyRequest): Principal | undefined {
  return (request as WithPrincipal)[PRINCIPAL];
}

/** The caller the hook established; throws for a request it did not guard (a wiring bug, not a 401). */
export function principalOf(request: FastifyRequest): Principal {
  const principal = (request as WithPrincipal)[PRINCIPAL];
  if (principal === undefined)
    throw new TypeError(`No principal on request ${request.id}: the route is not authenticated`);
  return principal;
}
