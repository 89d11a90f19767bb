import type { SwitchboardConfig } from '../config';
import { ConfigError, enabledConnectorNames } from '../config';
import type { Connector, ConnectorFactory } from '../connectors/kit';
import type { ConnectorRuntime } from './runtime';

/**
 * Creates the connectors the configuration enables, from the installed factories. A configured
 * connector that is not installed stops start-up with a sentence naming it.
 */
export function createConnectors(
  config: SwitchboardConfig,
  installed: readonly ConnectorFactory[],
  runtime: ConnectorRuntime,
): Connector[] {
  const byName = new Map(installed.map((factory) => [factory.name, factory]));
  return enabledConnectorNames(config).map((name) => {
    const factory = byName.get(name);
    if (!factory) {
      throw new ConfigError(
        `Invalid config: connectors.${name}: no connector named "${name}" is installed (installed: ${[...byName.keys()].join(', ')})`,
      );
    }
    return factory.create(config.connectors[name], runtime);
  });
}
