// Public API of connectors/declarative/: REST connectors declared in a file, and their OpenAPI importer.
export { loadConnectorDeclaration, declaredConnector } from './connector';
export { parseDeclaration, readDeclarationFile, DeclarationError } from './load';
export { recordVersionOf } from './record';
export { restConnectorDeclarationSchema, SCALARS, TRANSFORMS, DESCRIBE_PLACEHOLDER } from './declaration.schema';
export type { RestConnectorDeclaration, RestConnectorDeclarationInput } from './declaration.schema';
export { importOpenApi, declarationToYaml, OpenApiImportError } from './openapi/import';
export type { ImportOpenApiOptions, ImportedDeclaration } from './openapi/import';
export { runConnectorImport } from './import-command';
export type { ImportCommandIo } from './import-command';
