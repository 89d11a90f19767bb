// Public API of the marketing connector: its declaration file and the factory loaded from it.
import path from 'node:path';
import { loadConnectorDeclaration } from '../declarative';
import type { ConnectorFactory } from '../kit';

// This file runs from connectors/marketing/ under ts-jest and from dist/connectors/marketing/ once
// built; tsc copies no YAML, so the declaration is always read from the source tree.
const SOURCE_DIR =
  path.basename(path.resolve(__dirname, '..', '..')) === 'dist'
    ? path.resolve(__dirname, '..', '..', '..', 'connectors', 'marketing')
    : __dirname;

/** The marketing connector's declaration, imported from the silo's OpenAPI document and reviewed. */
export const MARKETING_DECLARATION = path.join(SOURCE_DIR, 'marketing.yaml');

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
