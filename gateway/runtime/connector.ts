import type DataLoader from 'dataloader';
import { buildSchemaSync, type ClassType, type NonEmptyArray } from 'type-graphql';
import type { ConnectorConfig } from '../../config';
import { CachedSource, type Fetched, type LoadResult } from './cached-source';
import type { RequestContext } from './context';
import { type ScopeKey } from './context';
import type { Connector, ConnectorTransport, FigureDefinition, FigureValues } from '../../connectors/kit/contract';
import { createSourceLoader } from './loader';
import type { ConnectorRuntime } from './runtime';

/** A connector described as data: what `createConnector` turns into a running connector. */
export interface ConnectorDefinition<V> {
  name: string;
  description: string;
  /** The type-graphql resolver classes of the connector's subschema. */
  resolvers: NonEmptyArray<ClassType>;
  mergeFieldName: string;
  transport: ConnectorTransport<V>;
  /** The form the system compares keys in (e-mails: lower case). Default: as is. */
  normalizeKey?: (key: string) => string;
  /**
   * The shape of the records this connector caches; bump it when the transport's record type
   * changes, so copies of the older shape in the repository are read as misses, never handed to
   * a mapper that no longer understands them. Default 1.
   */
  recordVersion?: number;
  figures: readonly FigureDefinition[];
  /** One record's summary figures, by figure name. */
  summarize(record: V): FigureValues;
  /** The department's part of the screen pop (see `Connector.exampleSelection`). */
  exampleSelection?: string;
}

/** A connector's per-request loaders: its records by key. */
export interface RecordScope<V> {
  records: DataLoader<string, Fetched<V> | null>;
}

/** Refresh-loads `keys` in requests of at most `maxBatchSize` keys (the system's batch limit), in parallel. */
async function loadInBatches<V>(
  source: CachedSource<V>,
  keys: readonly string[],
  maxBatchSize: number,
): Promise<LoadResult<V>[]> {
  const batches: Array<Promise<LoadResult<V>[]>> = [];
  for (let i = 0; i < keys.length; i += maxBatchSize)
    batches.push(source.load(keys.slice(i, i + maxBatchSize), { refresh: true }));
  return (await Promise.all(batches)).flat();
}

/**
 * Builds a running connector from its definition: the subschema, a cached source over the
 * repository shared by all requests (so concurrent misses share one upstream call), a fresh
 * DataLoader per request, and the refresh, evict and snapshot operations.
 */
export function createConnector<V>(
  definition: ConnectorDefinition<V>,
  config: ConnectorConfig,
  runtime: ConnectorRuntime,
): Connector<RecordScope<V>> {
  const source = new CachedSource<V>({
    connector: definition.name,
    fetch: (keys) => definition.transport.fetch(keys),
    normalizeKey: definition.normalizeKey,
    recordVersion: definition.recordVersion,
    freshness: config.freshness,
    breaker: config.breaker,
    runtime,
  });
  const schema = buildSchemaSync({ resolvers: definition.resolvers, validate: false });
  return {
    name: definition.name,
    description: definition.description,
    schema,
    mergeFieldName: definition.mergeFieldName,
    figures: definition.figures,
    createRequestScope: (options) => ({
      records: createSourceLoader(source, {
        maxBatchSize: config.maxBatchSize,
        normalizeKey: definition.normalizeKey,
        bulk: options?.bulk,
      }),
    }),
    ensureIndexes: () => source.ensureIndexes(),
    async refresh(keys) {
      const results = await loadInBatches(source, keys, config.maxBatchSize);
      const failure = results.find((result): result is Error => result instanceof Error);
      if (failure) throw failure;
    },
    evict: (keys) => source.evict(keys),
    settle: () => source.settle(),
    async summarize(keys) {
      const results = await loadInBatches(source, keys, config.maxBatchSize);
      const figures = new Map<string, FigureValues>();
      results.forEach((result, index) => {
        if (result instanceof Error) throw result;
        if (result) figures.set(keys[index], definition.summarize(result.value));
      });
      return figures;
    },
    directory: (pageSize) => definition.transport.directory(pageSize),
    health: () => definition.transport.health(),
    breakerOpen: () => source.breakerOpen,
    exampleSelection: definition.exampleSelection,
  };
}

/**
 * Loads the record behind a merged customer's key for a department field resolver, noting in
 * the request's log when it was served stale. Null for a customer the system does not know.
 *
 * @example
 * const fetched = await loadRecord(ctx, accountingScope, customer.key);
 * return fetched && { ...toAccountingAccount(fetched.value), freshness: fetched.freshness };
 */
export async function loadRecord<V>(
  ctx: RequestContext,
  scope: ScopeKey<RecordScope<V>>,
  key: string | null,
): Promise<Fetched<V> | null> {
  if (key === null) return null;
  const fetched = await scope.from(ctx).records.load(key);
  if (fetched) ctx.freshness.note(scope.connector, key, fetched.freshness);
  return fetched;
}
