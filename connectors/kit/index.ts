// Public API of connectors/kit/: the connector contract and the helpers every connector shares.
export type {
  Connector,
  ConnectorFactory,
  ConnectorHealth,
  DirectoryEntry,
  FigureDefinition,
  FigureType,
  FigureValues,
} from './contract';
export type { RequestContext } from './context';
export { ScopeKey } from './context';
export type { SiloClient } from './transport';
export { createSiloClient } from './transport';
export { createSourceLoader } from './loader';
export { createConnector, loadRecord } from './define';
export { defineConnector, mergeFieldNameOf } from './declare';
export type { ConnectorDeclaration, FigureDeclaration, GraphValue, TransportContext } from './declare';
export type { ConnectorDefinition, ConnectorTransport, RecordScope } from './define';
export { CachedSource } from './cached-source';
export type { CachedSourceOptions, Fetched, LoadResult } from './cached-source';
export { cacheCollectionName } from './record-cache';
export type { CachedRecord, StoreDeadlines } from './record-cache';
export { Freshness, DataSource, FreshnessLog } from './freshness';
export type { StaleServe } from './freshness';
export { noMetrics, bareRuntime } from './runtime';
export type { ConnectorMetrics, ConnectorRuntime, UpstreamOutcome } from './runtime';
export { SystemBreaker, isBreakerOpenError } from './breaker';
export type { BreakerSettings } from './breaker';
export { takeLast, MAX_LAST } from './paging';
export type { CustomerStub } from './customer-stub';
export { stubsForKeys } from './customer-stub';
