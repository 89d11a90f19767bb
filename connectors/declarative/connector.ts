import { defineConnector, type ConnectorFactory } from '../kit';
import type { RestConnectorDeclaration } from './declaration.schema';
import { declaredFigures } from './figures';
import { buildGraphTypes, type DeclaredGraphObject } from './graph-types';
import { readDeclarationFile } from './load';
import { graphObjectOf, recordVersionOf, type DeclaredRecord } from './record';
import { createDeclaredTransport, keyNormaliser } from './transport';

/**
 * The connector factory for a checked declaration: its graph types built as type-graphql classes,
 * its transport, figures and record version, all handed to `defineConnector`, so the merge field,
 * loader, cache, breaker and snapshot figures are the kit's, as for a hand-written connector.
 */
export function declaredConnector(declaration: RestConnectorDeclaration): ConnectorFactory {
  const record = declaration.graph.types[declaration.graph.record];
  return defineConnector<DeclaredRecord, DeclaredGraphObject>({
    name: declaration.name,
    description: declaration.description,
    key: { name: declaration.key.name, normalize: keyNormaliser(declaration) },
    graph: {
      type: buildGraphTypes(declaration),
      description: declaration.graph.description,
      from: (value) => graphObjectOf(declaration, record, value),
      example: declaration.graph.example,
    },
    transport: ({ config, credentials }) => createDeclaredTransport(declaration, config, credentials),
    figures: declaredFigures(declaration),
    recordVersion: recordVersionOf(declaration),
    credentials: declaration.auth ? [declaration.auth.credential] : [],
  });
}

/**
 * Reads a REST connector declaration (YAML or JSON) and returns the factory the hub installs.
 * Throws a `DeclarationError` naming the file, the path inside it and what was expected.
 *
 * @example
 * startHub(config, { connectorFactories: [...builtInConnectors, loadConnectorDeclaration('connectors/marketing/marketing.yaml')] });
 */
export function loadConnectorDeclaration(file: string): ConnectorFactory {
  return declaredConnector(readDeclarationFile(file));
}
