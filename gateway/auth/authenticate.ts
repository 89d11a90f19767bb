import { LRUCache } from 'lru-cache';
import { looksLikeApiKey, type ApiKeyRepository } from '../../store/api-keys.repository';
import type { JwtVerifier } from './jwt';
import { DEMO_PRINCIPAL, isRole, type Principal } from '../../schema/principal';

/** Why a request was refused with 401. */
export type AuthFailure = 'missing' | 'malformed' | 'invalid' | 'expired';

/** The caller, or why there is none. */
export type AuthOutcome = { ok: true; principal: Principal } | { ok: false; failure: AuthFailure };

/** What `createAuthenticator` needs. */
export interface AuthenticatorOptions {
  /** `demo`: a request without a credential acts as admin; `required`: it is refused. */
  mode: 'demo' | 'required';
  apiKeys: Pick<ApiKeyRepository, 'verify'>;
  /** Null: JWTs are not accepted. */
  jwt: JwtVerifier | null;
  /** How long a verified API key is remembered (default 10 s); a revoked key stops working within it. */
  keyCacheSeconds?: number;
}

/** Turns an `Authorization` header into a caller, one store read per key at most every few seconds. */
export type Authenticator = (authorization: string | undefined) => Promise<AuthOutcome>;

const BEARER = /^Bearer ([\x21-\x7e]{1,4096})$/;

/**
 * The hub's one way in: `Authorization: Bearer sb_<id>_<secret>` (an API key) or `Bearer <JWT>`.
 * A wrong credential is refused even in demo mode: a typo must never become admin.
 */
export function createAuthenticator(options: AuthenticatorOptions): Authenticator {
  const ttl = (options.keyCacheSeconds ?? 10) * 1000;
  // Verified keys (and refused ones, so a flood of bad keys costs no store reads), per token.
  const keys = ttl > 0 ? new LRUCache<string, { principal: Principal | null }>({ max: 10_000, ttl }) : null;

  const verifyKey = async (token: string): Promise<Principal | null> => {
    const cached = keys?.get(token);
    if (cached) return cached.principal;
    const key = await options.apiKeys.verify(token);
    const principal: Principal | null = key
      ? { kind: 'api-key', id: `key:${key._id}`, name: key.name, roles: new Set(key.roles.filter(isRole)) }
      : null;
    keys?.set(token, { principal });
    return principal;
  };

  return async (authorization) => {
    if (authorization === undefined || authorization === '') {
      return options.mode === 'demo' ? { ok: true, principal: DEMO_PRINCIPAL } : { ok: false, failure: 'missing' };
    }
    const token = BEARER.exec(authorization)?.[1];
    if (token === undefined) return { ok: false, failure: 'malformed' };
    if (looksLikeApiKey(token)) {
      const principal = await verifyKey(token);
      return principal ? { ok: true, principal } : { ok: false, failure: 'invalid' };
    }
    if (options.jwt === null) return { ok: false, failure: 'invalid' };
    const verified = await options.jwt(token);
    return typeof verified === 'string' ? { ok: false, failure: verified } : { ok: true, principal: verified };
  };
}

const DESCRIPTIONS: Record<AuthFailure, string> = {
  missing: 'This endpoint needs a credential: send Authorization: Bearer <API key or token>',
  malformed: 'The Authorization header is not "Bearer <credential>"',
  invalid: 'The credential is not valid: unknown, revoked, or not signed for this hub',
  expired: 'The token has expired',
};

/** The 401 answer: `WWW-Authenticate` (RFC 6750) and a GraphQL-shaped body with UNAUTHENTICATED. */
export function unauthenticatedResponse(failure: AuthFailure): {
  headers: Record<string, string>;
  body: { errors: Array<{ message: string; extensions: { code: 'UNAUTHENTICATED' } }> };
} {
  const challenge =
    failure === 'missing'
      ? 'Bearer realm="switchboard"'
      : `Bearer realm="switchboard", error="${failure === 'malformed' ? 'invalid_request' : 'invalid_token'}"`;
  return {
    headers: { 'www-authenticate': challenge },
    body: { errors: [{ message: DESCRIPTIONS[failure], extensions: { code: 'UNAUTHENTICATED' } }] },
  };
}
