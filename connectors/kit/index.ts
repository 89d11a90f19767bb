// Public API of connectors/kit/: what an integrator imports to declare a department, and nothing
// more. The hub's own runtime (request context, loaders, cache, breaker) is gateway/runtime/.
export { defineConnector, mergeFieldNameOf } from './declare';
export type { ConnectorDeclaration, FigureDeclaration, GraphValue, TransportContext } from './declare';
export type {
  Connector,
  ConnectorFactory,
  ConnectorHealth,
  ConnectorTransport,
  DirectoryEntry,
  FigureDefinition,
  FigureType,
  FigureValues,
} from './contract';
export type { SiloClient } from './transport';
export { createSiloClient } from './transport';
export { Freshness, DataSource } from './freshness';
export { takeLast, MAX_LAST } from './paging';
