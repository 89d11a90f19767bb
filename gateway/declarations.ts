// Declaration files (`connectors.<name>.from: x.yaml`) are read by the declarative connectors.
export { loadConnectorDeclaration } from '../connectors/declarative';
