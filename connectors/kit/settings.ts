import type { z } from 'zod';
import { ConfigError } from '../../config';
import type { ConnectorConfig } from '../../config';

/** Where a zod issue is, as a config path: `connectors.sales.settings.region`. */
function pathOf(base: string, path: ReadonlyArray<PropertyKey>): string {
  return [base, ...path.map(String)].join('.');
}

/**
 * The connector's settings (`connectors.<name>.settings`), checked against its declaration's
 * schema. Without a schema the connector takes none, and any given is a typo worth stopping for.
 */
export function settingsOf<S>(name: string, schema: z.ZodType<S> | undefined, given: Record<string, unknown>): S {
  const base = `connectors.${name}.settings`;
  if (!schema) {
    const unknown = Object.keys(given);
    if (unknown.length > 0)
      throw new ConfigError(
        `Invalid config: ${base}: the ${name} connector takes no settings, but got "${unknown[0]}"`,
      );
    return {} as S;
  }
  const parsed = schema.safeParse(given);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new ConfigError(`Invalid config: ${pathOf(base, issue.path)}: ${issue.message}`);
}

/**
 * The connector's declared credentials, each read from the environment variable its
 * configuration names. A declared credential without a variable, or with an empty one, stops
 * start-up naming both; a configured credential the connector does not declare is a typo.
 */
export function credentialsOf(
  name: string,
  declared: readonly string[],
  configured: ConnectorConfig['credentials'],
  env: NodeJS.ProcessEnv,
): Record<string, string> {
  const base = `connectors.${name}.credentials`;
  for (const key of Object.keys(configured))
    if (!declared.includes(key))
      throw new ConfigError(
        `Invalid config: ${base}.${key}: the ${name} connector declares no such credential` +
          (declared.length ? ` (it declares: ${declared.join(', ')})` : ''),
      );
  const credentials: Record<string, string> = {};
  for (const credential of declared) {
    const source = configured[credential];
    if (!source)
      throw new ConfigError(
        `Invalid config: ${base}.${credential}: the ${name} connector needs this credential; say which environment variable holds it, e.g. { "env": "${name.toUpperCase()}_${credential.toUpperCase()}" }`,
      );
    const value = env[source.env];
    if (!value)
      throw new ConfigError(
        `The ${name} connector's credential "${credential}" is read from the environment variable ${source.env} (${base}.${credential}.env), which is not set`,
      );
    credentials[credential] = value;
  }
  return credentials;
}
