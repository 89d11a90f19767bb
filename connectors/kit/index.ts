// Public API of connectors/kit/: the connector contract and the helpers every connector shares.
export type { Connector, ConnectorFactory, ConnectorHealth, DirectoryEntry } from './contract';
export type { RequestContext } from './context';
export { ScopeKey } from './context';
export type { SiloClient } from './transport';
export { createSiloClient } from './transport';
export type { BatchLoaderOptions } from './loader';
export { createBatchLoader } from './loader';
export { takeLast, MAX_LAST } from './paging';
export type { CustomerStub } from './customer-stub';
export { stubsForKeys } from './customer-stub';
