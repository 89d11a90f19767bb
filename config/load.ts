import { readFileSync } from 'node:fs';
import { type z } from 'zod';
import { defaultConfig } from './defaults';
import { configSchema, type SwitchboardConfig, type SwitchboardConfigInput } from './schema';

/** Thrown when the configuration is invalid; the message names every bad field. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Where configuration comes from, besides the defaults. */
export interface LoadConfigOptions {
  /** Environment variables to read overrides from. Default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** A JSON config file; default `SWITCHBOARD_CONFIG` from the environment, if set. */
  file?: string;
  /** Overrides applied last (tests, the benchmark). */
  overrides?: SwitchboardConfigInput | Partial<SwitchboardConfigInput>;
}

type PlainObject = Record<string, unknown>;

function isPlainObject(value: unknown): value is PlainObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Deep-merges `b` over `a`; arrays and scalars in `b` replace those in `a`. */
function merge(a: PlainObject, b: PlainObject): PlainObject {
  const out: PlainObject = { ...a };
  for (const [key, value] of Object.entries(b)) {
    if (value === undefined) continue;
    out[key] = isPlainObject(value) && isPlainObject(out[key]) ? merge(out[key], value) : value;
  }
  return out;
}

function readConfigFile(path: string): PlainObject {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`Cannot read config file ${path}: ${(error as Error).message}`);
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (!isPlainObject(parsed)) throw new Error('expected a JSON object at the top level');
    return parsed;
  } catch (error) {
    throw new ConfigError(`Config file ${path} is not valid: ${(error as Error).message}`);
  }
}

/** A number from the environment, or a ConfigError naming the variable. */
function envNumber(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value))
    throw new ConfigError(`Invalid environment variable ${name}: expected a number, found "${raw}"`);
  return value;
}

function envBoolean(env: NodeJS.ProcessEnv, name: string): boolean | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off)$/i.test(raw)) return false;
  throw new ConfigError(`Invalid environment variable ${name}: expected true or false, found "${raw}"`);
}

/**
 * The overrides the environment makes. Each connector NAME gets `<NAME>_URL` and
 * `<NAME>_TIMEOUT_MS`, so a new department needs no code here.
 */
function environmentOverrides(env: NodeJS.ProcessEnv, connectorNames: string[]): PlainObject {
  const connectors: PlainObject = {};
  for (const name of connectorNames) {
    const prefix = name.toUpperCase();
    const url = env[`${prefix}_URL`];
    const timeoutMs = envNumber(env, `${prefix}_TIMEOUT_MS`);
    const webhookSecret = env[`${prefix}_WEBHOOK_SECRET`];
    if (url !== undefined || timeoutMs !== undefined || webhookSecret !== undefined)
      connectors[name] = { url, timeoutMs, webhookSecret };
  }
  const enabledList = env.SWITCHBOARD_CONNECTORS;
  if (enabledList !== undefined && enabledList !== '') {
    const enabled = new Set(
      enabledList
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    );
    for (const name of enabled) {
      if (!connectorNames.includes(name)) {
        throw new ConfigError(
          `Invalid environment variable SWITCHBOARD_CONNECTORS: unknown connector "${name}" (configured: ${connectorNames.join(', ')})`,
        );
      }
    }
    for (const name of connectorNames)
      connectors[name] = merge((connectors[name] as PlainObject) ?? {}, { enabled: enabled.has(name) });
  }
  return {
    server: { host: env.HOST || undefined, port: envNumber(env, 'PORT') },
    mongodb: {
      uri: env.MONGODB_URI || undefined,
      database: env.MONGODB_DB || undefined,
      dataDir: env.SWITCHBOARD_DATA_DIR || undefined,
    },
    cache: { enabled: envBoolean(env, 'SWITCHBOARD_CACHE') },
    // NODE_ENV only ever turns production on: a `staging` or a typo must not switch a config file's `production: true` off.
    production: env.NODE_ENV === 'production' ? true : undefined,
    auth: { enabled: envBoolean(env, 'SWITCHBOARD_AUTH') },
    limits: {
      depth: envNumber(env, 'SWITCHBOARD_MAX_DEPTH'),
      cost: envNumber(env, 'SWITCHBOARD_MAX_COST'),
      executionTimeoutMs: envNumber(env, 'SWITCHBOARD_EXECUTION_TIMEOUT_MS'),
      rate: {
        requestsPerMinute: envNumber(env, 'SWITCHBOARD_RATE_LIMIT'),
        refreshesPerMinute: envNumber(env, 'SWITCHBOARD_REFRESH_RATE_LIMIT'),
      },
    },
    demo: {
      enabled: envBoolean(env, 'SWITCHBOARD_DEMO'),
      seed: envNumber(env, 'SILO_SEED'),
      scale: envNumber(env, 'SILO_SCALE'),
    },
    connectors,
  };
}

/** Renders zod's issues as one sentence per field: `connectors.sales.url: expected ...`. */
function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const path = issue.path.length > 0 ? issue.path.join('.') : '(root)';
      return `${path}: ${issue.message}`;
    })
    .join('; ');
}

/**
 * Loads the configuration: defaults, then the JSON file, then the environment, then
 * `overrides`, validated as a whole. Throws ConfigError naming each bad field.
 *
 * @example
 * const config = loadConfig({ env: { PORT: '4400', SALES_URL: 'http://crm.internal:8080' } });
 */
export function loadConfig(options: LoadConfigOptions = {}): SwitchboardConfig {
  const env = options.env ?? process.env;
  let merged: PlainObject = defaultConfig;
  const file = options.file ?? env.SWITCHBOARD_CONFIG;
  if (file) merged = merge(merged, readConfigFile(file));
  const connectorNames = Object.keys(isPlainObject(merged.connectors) ? merged.connectors : {});
  merged = merge(merged, environmentOverrides(env, connectorNames));
  if (options.overrides) merged = merge(merged, options.overrides);
  const result = configSchema.safeParse(merged);
  if (!result.success) throw new ConfigError(`Invalid config: ${describeIssues(result.error)}`);
  return result.data;
}

/** The names of the connectors the configuration enables, in configuration order. */
export function enabledConnectorNames(config: SwitchboardConfig): string[] {
  return Object.entries(config.connectors)
    .filter(([, connector]) => connector.enabled)
    .map(([name]) => name);
}
