import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Principal } from '../../schema/principal';
import { unauthenticatedResponse, type Authenticator } from './authenticate';

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
  app.addHook('onRequest', async (request, reply) => {
    if (!guarded(request)) return;
    const outcome = await authenticate(request.headers.authorization);
    if (outcome.ok) {
      (request as WithPrincipal)[PRINCIPAL] = outcome.principal;
      return;
    }
    const { headers, body } = unauthenticatedResponse(outcome.failure);
    return reply.code(401).headers(headers).type('application/json').send(body);
  });
}

/** The caller the hook established; throws for a request it did not guard (a wiring bug, not a 401). */
export function principalOf(request: FastifyRequest): Principal {
  const principal = (request as WithPrincipal)[PRINCIPAL];
  if (principal === undefined)
    throw new TypeError(`No principal on request ${request.id}: the route is not authenticated`);
  return principal;
}
