// Public API of gateway/runtime/: what runs connectors inside the hub (request context, scopes,
// the freshness log, the cached source over the repository, the breaker). Integrators never
// import it: they declare connectors with connectors/kit.
export type { RequestContext } from './context';
export { ScopeKey } from './context';
export { FreshnessLog } from './freshness-log';
export type { StaleServe } from './freshness-log';
export { createConnector, loadRecord } from './connector';
export type { ConnectorDefinition, RecordScope } from './connector';
export { createSourceLoader } from './loader';
export { CachedSource } from './cached-source';
export type { CachedSourceOptions, Fetched, LoadResult } from './cached-source';
export { RecordStore, RECORDS_COLLECTION, recordId } from './record-store';
export type { CachedRecord, RecordStoreOptions } from './record-store';
export { noMetrics, bareRuntime } from './runtime';
export type { ConnectorMetrics, ConnectorRuntime, UpstreamOutcome } from './runtime';
export { SystemBreaker, isBreakerOpenError } from './breaker';
export type { BreakerSettings } from './breaker';
export type { CustomerStub } from './customer-stub';
export { stubsForKeys } from './customer-stub';
