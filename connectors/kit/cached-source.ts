import type { GraphQLError } from 'graphql';
import { SystemBreaker, isBreakerOpenError, type BreakerSettings } from './breaker';
import { DataSource, type Freshness } from './freshness';
import { RecordCache, type CachedRecord } from './record-cache';
import type { ConnectorRuntime, UpstreamOutcome } from './runtime';

/** A record with how fresh it is. */
export interface Fetched<V> {
  value: V;
  freshness: Freshness;
}

/** One slot of a load: the record, null when the system does not know the key, or the error. */
export type LoadResult<V> = Fetched<V> | null | Error;

/** How a connector reads its system through the repository. */
export interface CachedSourceOptions<V> {
  connector: string;
  /** One upstream request for many keys; the map is keyed by normalised key, unknown keys absent. */
  fetch(keys: readonly string[]): Promise<ReadonlyMap<string, V>>;
  /** The form keys are compared and cached in (e-mails: lower case). Default: as is. */
  normalizeKey?: (key: string) => string;
  freshness: { ttlSeconds: number; staleIfErrorSeconds: number };
  breaker: BreakerSettings;
  runtime: ConnectorRuntime;
}

type UpstreamAnswer<V> = ReadonlyMap<string, V>;

/** Reads the outcome label for metrics from a failure. */
function outcomeOf(error: unknown): UpstreamOutcome {
  if (isBreakerOpenError(error)) return 'breaker_open';
  return (error as GraphQLError).extensions?.code === 'UPSTREAM_TIMEOUT' ? 'timeout' : 'error';
}

/**
 * Cache-aside reads of one connector's records through the central repository:
 *
 * 1. the batch's keys are one `find` with `$in` in MongoDB;
 * 2. the missing and expired (older than `ttlSeconds`) are one upstream batch request, shared
 *    with any request already fetching the same keys (no stampede, across requests and paths);
 * 3. the answers are written back in one bulk upsert, acknowledged;
 * 4. when the system fails, times out or its breaker is open, a copy younger than
 *    `staleIfErrorSeconds` is served marked stale; without one, the key gets the error.
 *
 * Without a database (cache off) only step 2 happens.
 */
export class CachedSource<V> {
  private readonly cache: RecordCache<V> | null;
  private readonly breaker: SystemBreaker;
  private readonly normalize: (key: string) => string;
  /** Upstream requests under way, by normalised key: how concurrent misses share one call. */
  private readonly inFlight = new Map<string, Promise<UpstreamAnswer<V>>>();

  constructor(private readonly options: CachedSourceOptions<V>) {
    this.cache = options.runtime.db ? new RecordCache<V>(options.runtime.db, options.connector) : null;
    this.breaker = new SystemBreaker(options.connector, options.breaker);
    this.normalize = options.normalizeKey ?? ((key) => key);
  }

  /** Creates the cache's indexes (the TTL index on the stale horizon). */
  async ensureIndexes(): Promise<void> {
    await this.cache?.ensureIndexes();
  }

  /** One result per key, in key order. `refresh` skips the cache read and always asks the system. */
  async load(keys: readonly string[], options: { refresh?: boolean } = {}): Promise<LoadResult<V>[]> {
    const { connector, runtime } = this.options;
    const normalised = keys.map(this.normalize);
    const unique = [...new Set(normalised)];
    const now = runtime.now();
    const cached = this.cache && !options.refresh ? await this.cache.read(unique) : new Map<string, CachedRecord<V>>();

    const results = new Map<string, LoadResult<V>>();
    const needed: string[] = [];
    for (const key of unique) {
      const copy = cached.get(key);
      if (copy && now.getTime() - copy.fetchedAt.getTime() < this.options.freshness.ttlSeconds * 1000) {
        results.set(key, { value: copy.value, freshness: { fetchedAt: copy.fetchedAt, stale: false, source: DataSource.REPOSITORY } });
      } else {
        needed.push(key);
      }
    }
    if (!options.refresh) {
      runtime.metrics.cacheHits(connector, unique.length - needed.length);
      runtime.metrics.cacheMisses(connector, needed.length);
    }

    if (needed.length > 0) {
      const answers = await Promise.allSettled(this.fetchShared(needed, now));
      needed.forEach((key, index) => {
        const answer = answers[index]!;
        if (answer.status === 'fulfilled') {
          const value = answer.value.get(key);
          results.set(key, value === undefined ? null : { value, freshness: { fetchedAt: now, stale: false, source: DataSource.SYSTEM } });
        } else {
          results.set(key, this.staleOrError(cached.get(key), answer.reason, now));
        }
      });
    }
    return normalised.map((key) => results.get(key) ?? null);
  }

  /** Forgets cached copies (a change notice said they changed). */
  async evict(keys: readonly string[]): Promise<number> {
    return this.cache ? this.cache.evict(keys.map(this.normalize)) : 0;
  }

  /**
   * Per key, a promise of the upstream answer that covers it: keys another request is already
   * fetching join that request; the rest go out together in one new request.
   */
  private fetchShared(keys: string[], now: Date): Array<Promise<UpstreamAnswer<V>>> {
    const fresh = keys.filter((key) => !this.inFlight.has(key));
    if (fresh.length > 0) {
      const request = this.fetchAndStore(fresh, now);
      for (const key of fresh) this.inFlight.set(key, request);
      const release = () => {
        for (const key of fresh) if (this.inFlight.get(key) === request) this.inFlight.delete(key);
      };
      request.then(release, release);
    }
    return keys.map((key) => this.inFlight.get(key)!);
  }

  private async fetchAndStore(keys: string[], now: Date): Promise<UpstreamAnswer<V>> {
    const { connector, runtime, freshness } = this.options;
    const started = process.hrtime.bigint();
    const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
    let answer: UpstreamAnswer<V>;
    try {
      answer = await this.breaker.execute(() => this.options.fetch(keys));
      runtime.metrics.upstreamRequest(connector, 'ok', seconds());
    } catch (error) {
      runtime.metrics.upstreamRequest(connector, outcomeOf(error), seconds());
      throw error;
    }
    if (this.cache) {
      const gone = keys.filter((key) => !answer.has(key));
      try {
        await this.cache.write(answer, gone, now, new Date(now.getTime() + freshness.staleIfErrorSeconds * 1000));
      } catch (error) {
        // The answer is still right for this request; the failed write is counted and logged, never silent.
        runtime.metrics.cacheWriteFailed(connector);
        runtime.warn(`Could not write ${answer.size} ${connector} records to the repository: ${(error as Error).message}`);
      }
    }
    return answer;
  }

  private staleOrError(copy: CachedRecord<V> | undefined, reason: unknown, now: Date): LoadResult<V> {
    const { connector, runtime, freshness } = this.options;
    if (copy && now.getTime() - copy.fetchedAt.getTime() < freshness.staleIfErrorSeconds * 1000) {
      runtime.metrics.staleServed(connector, 1);
      return { value: copy.value, freshness: { fetchedAt: copy.fetchedAt, stale: true, source: DataSource.REPOSITORY } };
    }
    return reason instanceof Error ? reason : new Error(String(reason));
  }
}
