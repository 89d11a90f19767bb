import { readFileSync } from 'node:fs';
import { createLocalJWKSet, createRemoteJWKSet, errors, jwtVerify, type JSONWebKeySet, type JWTPayload } from 'jose';
import { ConfigError, type SwitchboardConfig } from '../../config';
import { isRole, type Principal, type Role } from '../../schema/principal';

/** Why a token was refused, for `WWW-Authenticate` and the log; never the token itself. */
export type TokenProblem = 'expired' | 'invalid';

/** Verifies a bearer JWT; resolves with the caller, or with why the token is refused. */
export type JwtVerifier = (token: string) => Promise<Principal | TokenProblem>;

type JwtSettings = NonNullable<SwitchboardConfig['auth']['jwt']>;

function loadKeySet(settings: JwtSettings): ReturnType<typeof createLocalJWKSet> {
  if (settings.jwksUrl !== null) return createRemoteJWKSet(new URL(settings.jwksUrl));
  const file = settings.jwksFile!;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigError(
      `Invalid config: auth.jwt.jwksFile ${file} is not a readable JSON file: ${(error as Error).message}`,
    );
  }
  if (typeof parsed !== 'object' || parsed === null || !Array.isArray((parsed as { keys?: unknown }).keys)) {
    throw new ConfigError(`Invalid config: auth.jwt.jwksFile ${file}: expected a JWKS, { "keys": [...] }`);
  }
  return createLocalJWKSet(parsed as JSONWebKeySet);
}

/** The roles a token's claim names; unknown role names are ignored, not errors. */
function rolesOf(payload: JWTPayload, claim: string): Set<Role> {
  const raw = payload[claim];
  const names = Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(/\s+/) : [];
  return new Set(names.filter((name): name is Role => typeof name === 'string' && isRole(name)));
}

/**
 * A verifier for the identity provider's tokens (jose): the signature against the JWKS, `iss`,
 * `aud`, and `exp`/`nbf` within the clock tolerance; the roles from the configured claim.
 */
export function createJwtVerifier(settings: JwtSettings, now: () => Date = () => new Date()): JwtVerifier {
  const keys = loadKeySet(settings);
  return async (token) => {
    try {
      const { payload } = await jwtVerify(token, keys, {
        issuer: settings.issuer,
        audience: settings.audience,
        clockTolerance: settings.clockToleranceSeconds,
        // A token without an expiry would be good forever; `none` and HMAC algorithms are never
        // what an identity provider's JWKS signs with.
        requiredClaims: ['exp', 'sub'],
        algorithms: ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'],
        currentDate: now(),
      });
      const subject = typeof payload.sub === 'string' && payload.sub !== '' ? payload.sub : null;
      if (subject === null) return 'invalid';
      return { kind: 'jwt', id: `jwt:${subject}`, name: subject, roles: rolesOf(payload, settings.rolesClaim) };
    } catch (error) {
      return error instanceof errors.JWTExpired ? 'expired' : 'invalid';
    }
  };
}
