// Public API of the marketing connector: its declaration file and the factory loaded from it.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { loadConnectorDeclaration } from '../declarative';
import type { ConnectorFactory } from '../kit';

// This file runs from connectors/marketing/ under ts-jest and from a compiled copy (dist/, or a
// test's own build folder) once built; tsc copies no YAML, so the declaration is the source tree's:
// beside this file, or the first connectors/marketing/marketing.yaml above the compiled copy.
function findDeclaration(): string {
  const beside = path.join(__dirname, 'marketing.yaml');
  if (existsSync(beside)) return beside;
  for (let dir = path.dirname(__dirname), i = 0; i < 6; i += 1, dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'connectors', 'marketing', 'marketing.yaml');
    if (existsSync(candidate)) return candidate;
  }
  return beside; // loading it then says it cannot be read, naming the path
}

/** The marketing connector's declaration, imported from the silo's OpenAPI document and reviewed. */
export const MARKETING_DECLARATION = findDeclaration();

let loaded: ConnectorFactory | undefined;

/**
 * The marketing department (optional): consent, campaigns, opens and clicks, keyed by subscriber
 * id. Read from its declaration on first use, so a hub without marketing never reads the file.
 */
export function marketingConnector(): ConnectorFactory {
  return (loaded ??= loadConnectorDeclaration(MARKETING_DECLARATION));
}

/**
 * The connector the hub finds in this folder (`connectors.marketing` needs no `from`): its
 * declaration is read only when a hub creates it or asks for its example.
 */
export const connector: ConnectorFactory = {
  name: 'marketing',
  get exampleSelection() {
    return marketingConnector().exampleSelection;
  },
  create: (config, runtime) => marketingConnector().create(config, runtime),
};
