import { findShippedFile } from '../shipped-file';
import type { Db } from 'mongodb';
import { ConfigError, type SwitchboardConfig } from '../../config';
import { ROLES, type Principal, type Role } from '../../schema/principal';
import { ApiKeyRepository, type CreatedApiKey } from '../../store/api-keys.repository';
import { createAuthenticator, type Authenticator } from './authenticate';
import { createJwtVerifier } from './jwt';

/**
 * The name demo mode gives its key for `role`. Only a label: demo keys are told from operators'
 * by their stored `demo` mark, so an operator's key named `demo-...` is never revoked.
 */
export const demoKeyName = (role: Role): string => `demo-${role}`;

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);

/**
 * Decides how callers prove who they are. `auth.enabled`: API keys (and JWTs when `auth.jwt` is
 * set) are required. Not enabled, outside production: demo mode, where anonymous requests act
 * as admin and one fresh demo key per role is made so the rules can be tried at once. Not
 * enabled in production: a ConfigError, because an open hub in production is a data leak.
 */
export async function prepareAuthentication(
  config: SwitchboardConfig,
  db: Db,
  now: () => Date,
): Promise<{ authenticate: Authenticator; demoKeys: CreatedApiKey[]; mode: 'demo' | 'required' }> {
  if (config.production && !config.auth.enabled) {
    throw new ConfigError(
      'Refusing to start: NODE_ENV is production and no authentication is configured. ' +
        'Set auth.enabled: true (or SWITCHBOARD_AUTH=1) to require API keys, and auth.jwt to accept ' +
        "your identity provider's tokens; create keys with `npx switchboard keys create`.",
    );
  }
  const mode = config.auth.enabled ? 'required' : 'demo';
  if (mode === 'demo' && !LOOPBACK_HOSTS.has(config.server.host)) {
    throw new ConfigError(
      `Refusing to start: demo mode (no authentication, anonymous requests act as admin) on server.host ` +
        `${config.server.host}, which other machines can reach. Set auth.enabled: true (SWITCHBOARD_AUTH=1), ` +
        'or listen on localhost.',
    );
  }
  const apiKeys = new ApiKeyRepository(db, config.mongodb.operationTimeoutMs);
  // Demo keys were printed to a terminal or a log: they never outlive demo mode. Revoked at every
  // start, demo or not, so switching authentication on ends them too.
  await apiKeys.revokeDemo(ROLES.map(demoKeyName), now());
  const jwt = config.auth.jwt === null ? null : createJwtVerifier(config.auth.jwt, now);
  const authenticate = createAuthenticator({ mode, apiKeys, jwt, keyCacheSeconds: config.auth.keyCacheSeconds });
  const demoKeys: CreatedApiKey[] = [];
  if (mode === 'demo') {
    for (const role of ROLES) demoKeys.push(await apiKeys.createDemo(demoKeyName(role), [role], now()));
  }
  return { authenticate, demoKeys, mode };
}

/** `/metrics` shows every connector's traffic: for operators only. */
export function mayReadMetrics(principal: Principal): boolean {
  return principal.roles.has('admin') || principal.roles.has('integrator');
}

/** The policy file: as given, or the one shipped beside the code (see `findShippedFile`). */
export function findPolicyFile(file: string): string {
  return findShippedFile(file);
}
