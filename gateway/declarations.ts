import { ConfigError } from '../config';
import type { ConnectorFactory } from '../connectors/kit';

/** Loads a declarative connector from its file (`connectors.<name>.from: x.yaml`). */
export function loadConnectorDeclaration(file: string): ConnectorFactory {
  throw new ConfigError(`Declarative connectors are not available in this build (${file})`);
}
