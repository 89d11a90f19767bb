import { existsSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, type SwitchboardConfig } from '../config';
import type { ConnectorFactory } from '../connectors/kit';
import { findShippedFile } from './shipped-file';

/** Where this package's own connectors are: `connectors/` beside `gateway/`, in source or in dist/. */
const BUILT_IN = path.join(__dirname, '..', 'connectors');

const DECLARATION = /\.(ya?ml|json)$/i;

function isFactory(value: unknown): value is ConnectorFactory {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as ConnectorFactory).name === 'string' &&
    typeof (value as ConnectorFactory).create === 'function'
  );
}

/** The module a `from` names: a path (relative to the working directory) or a package. */
function resolveModule(name: string, from: string): string {
  // A folder that exists is that folder, written `./connectors/shop` or `connectors/shop`.
  if (from.startsWith('.') || path.isAbsolute(from) || existsSync(path.resolve(from))) return path.resolve(from);
  try {
    return require.resolve(from, { paths: [process.cwd(), __dirname] });
  } catch {
    throw new ConfigError(
      `Invalid config: connectors.${name}.from: no connector package or folder "${from}" can be found from ${process.cwd()}`,
    );
  }
}

function loadModule(name: string, where: string, shown: string): ConnectorFactory {
  let exported: Record<string, unknown>;
  try {
    // A connector is a module named in configuration, found at run time: require is the mechanism.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    exported = require(where) as Record<string, unknown>;
  } catch (error) {
    throw new ConfigError(
      `Invalid config: connectors.${name}.from: ${shown} could not be loaded: ${(error as Error).message}`,
    );
  }
  const factory = [exported.connector, exported.default, ...Object.values(exported)].find(isFactory);
  if (!factory)
    throw new ConfigError(
      `Invalid config: connectors.${name}.from: ${shown} exports no connector (expected \`export const connector = defineConnector({...})\`)`,
    );
  return factory;
}

/** Loads one configured connector's factory from where its configuration says it is. */
export function loadConnectorFactory(
  name: string,
  from: string | undefined,
  loadDeclaration: (file: string) => ConnectorFactory,
): ConnectorFactory {
  let factory: ConnectorFactory;
  if (from === undefined) {
    const folder = path.join(BUILT_IN, name);
    if (!existsSync(folder))
      throw new ConfigError(
        `Invalid config: connectors.${name}: there is no built-in connector named "${name}"; say where it comes from in connectors.${name}.from (a folder, a package or a declaration file)`,
      );
    factory = loadModule(name, folder, `the built-in connector ${name}`);
  } else if (DECLARATION.test(from)) {
    factory = loadDeclaration(findShippedFile(from));
  } else {
    factory = loadModule(name, resolveModule(name, from), `"${from}"`);
  }
  if (factory.name !== name)
    throw new ConfigError(
      `Invalid config: connectors.${name}.from: "${from ?? name}" is the ${factory.name} connector, not ${name}; the configuration key and the connector's name must agree`,
    );
  return factory;
}

/**
 * The factories of the connectors the configuration names (only the enabled ones unless
 * `includeDisabled`), each found where its `from` says: nothing in the hub lists departments.
 */
export function discoverConnectors(
  config: SwitchboardConfig,
  loadDeclaration: (file: string) => ConnectorFactory,
  options: { includeDisabled?: boolean } = {},
): ConnectorFactory[] {
  return Object.entries(config.connectors)
    .filter(([, connector]) => options.includeDisabled || connector.enabled)
    .map(([name, connector]) => loadConnectorFactory(name, connector.from, loadDeclaration));
}
