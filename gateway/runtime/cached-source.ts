import type { GraphQLError } from 'graphql';
import { LRUCache } from 'lru-cache';
import { SystemBreaker, isBreakerOpenError, type BreakerSettings } from './breaker';
import { DataSource, type Freshness } from '../../connectors/kit/freshness';
import { approximateJsonLength } from '../../store/approximate-size';
import { recordFormat, type CachedRecord, type RecordStore } from './record-store';
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
  /** The shape of `V` in the repository; bump it when a record's shape changes, so older copies are misses. Default 1. */
  recordVersion?: number;
}

type UpstreamAnswer<V> = ReadonlyMap<string, V>;

/** An upstream request under way: its answer, and when it was asked (the records' fetchedAt). */
interface Flight<V> {
  answer: Promise<UpstreamAnswer<V>>;
  fetchedAt: Date;
  /** The system has answered (the write-back may still be queued or under way). */
  answered: boolean;
}

/** A key with fetches outstanding: how many, and how often a refresh or evict has overtaken them. */
interface KeyState {
  generation: number;
  flights: number;
}

/** What the in-memory layer may hold per connector when the runtime does not say: 32 MiB. */
export const DEFAULT_MEMORY_BYTES = 32 * 1024 * 1024;

/** A record's approximate size in memory: about its JSON length in UTF-16 code units, times two bytes. */
function sizeOf(record: CachedRecord<unknown>): number {
  return approximateJsonLength(record.value) * 2 + 64;
}

/** Reads the outcome label for metrics from a failure. */
function outcomeOf(error: unknown): UpstreamOutcome {
  if (isBreakerOpenError(error)) return 'breaker_open';
  return (error as GraphQLError).extensions?.code === 'UPSTREAM_TIMEOUT' ? 'timeout' : 'error';
}

/**
 * Cache-aside reads of one connector's records through the central repository:
 *
 * 1. fresh records this hub read or fetched lately answer from memory (an LRU of decoded
 *    records, never past the TTL);
 * 2. the rest of the batch is read from the repository (`RecordStore`: one `find` with `$in`
 *    shared with every other connector reading in the same turn);
 * 3. the missing and expired (older than `ttlSeconds`) are one upstream batch request, shared
 *    with any request already fetching the same keys (no stampede, across requests and paths);
 * 4. the answers go back to the repository in an acknowledged bulk upsert, queued a few ms so
 *    that other connectors' write-backs share it. A read does not wait for it (the system's
 *    answer is already right), but the keys stay "in flight" until it lands, so nobody fetches
 *    them again meanwhile; `settle()` sends the queue and waits for every pending write, and a
 *    failed one is counted and logged. `refresh` sends its write at once and waits for it.
 * 5. when the system fails, times out or its breaker is open, a copy younger than
 *    `staleIfErrorSeconds` is served marked stale; without one, the key gets the error.
 *
 * Without a repository (cache off) only step 3 happens.
 */
export class CachedSource<V> {
  /** The repository, shared by every connector of the hub; null without one (cache off). */
  private readonly cache: RecordStore | null;
  private readonly format: string;
  private readonly memory: LRUCache<string, CachedRecord<V>> | null;
  private readonly breaker: SystemBreaker;
  private readonly normalize: (key: string) => string;
  /** Upstream requests under way (until their write-back lands), by normalised key. */
  private readonly inFlight = new Map<string, Flight<V>>();
  /**
   * Keys with a fetch outstanding (until its write-back lands). The generation is bumped by
   * refresh and evict: a fetch that started before either must not write its (older) answer back
   * over what they did. An entry goes when the key's last fetch does, so the map holds only the
   * keys under way, never every key ever asked.
   */
  private readonly keyStates = new Map<string, KeyState>();
  /**
   * Keys an evict is deleting from the repository, with how many evicts: until the delete has
   * landed, a copy read from the repository may be the one being evicted, and is not served.
   */
  private readonly evicting = new Map<string, number>();
  /** Write-backs not yet acknowledged. */
  private readonly pendingWrites = new Set<Promise<void>>();

  constructor(private readonly options: CachedSourceOptions<V>) {
    const { records, memoryEntries, memoryBytes = DEFAULT_MEMORY_BYTES } = options.runtime;
    this.cache = records;
    this.format = recordFormat(options.recordVersion);
    // Bounded in entries and in bytes: a few huge records must not hold the hub's memory.
    this.memory =
      this.cache && memoryEntries > 0 && memoryBytes > 0
        ? new LRUCache<string, CachedRecord<V>>({ max: memoryEntries, maxSize: memoryBytes, sizeCalculation: sizeOf })
        : null;
    this.breaker = new SystemBreaker(options.connector, options.breaker);
    this.normalize = options.normalizeKey ?? ((key) => key);
  }

  /** Keys this source is tracking for fetches under way (in flight or overtaken); 0 when idle. */
  get trackedKeys(): number {
    return new Set([...this.inFlight.keys(), ...this.keyStates.keys()]).size;
  }

  /** Creates the cache's indexes (the TTL index on the stale horizon). */
  async ensureIndexes(): Promise<void> {
    await this.cache?.ensureIndexes();
  }

  /** True while the system's circuit breaker refuses calls. */
  get breakerOpen(): boolean {
    return this.breaker.isOpen;
  }

  /** Resolves once every write-back started so far has been acknowledged (or has failed and been logged). */
  async settle(): Promise<void> {
    // Queued write-backs go now rather than when the queue's timer says.
    if (this.pendingWrites.size > 0) await this.cache?.flush();
    while (this.pendingWrites.size > 0) await Promise.all([...this.pendingWrites]);
  }

  /**
   * One result per key, in key order. `refresh` skips both caches, asks the system and waits for
   * the write. `bulk` (a request that reads many records once: an export) adds nothing to the
   * memory layer, which would otherwise churn through every record of the list and push out the
   * working set (and fill the hub's heap with copies nobody asks for again).
   */
  async load(keys: readonly string[], options: { refresh?: boolean; bulk?: boolean } = {}): Promise<LoadResult<V>[]> {
    const { connector, runtime } = this.options;
    const normalised = keys.map(this.normalize);
    const unique = [...new Set(normalised)];
    const now = runtime.now();
    const results = new Map<string, LoadResult<V>>();
    let needed: string[] = unique;
    let cached = new Map<string, CachedRecord<V>>();

    if (!options.refresh) {
      needed = needed.filter((key) => !this.serveFresh(key, this.memory?.get(key), now, results));
      if (this.cache && needed.length > 0) {
        cached = await this.readRepository(needed);
        needed = needed.filter((key) => {
          const copy = cached.get(key);
          const fresh = this.serveFresh(key, copy, now, results);
          if (fresh && !options.bulk) this.memory?.set(key, copy);
          return !fresh;
        });
      }
      runtime.metrics.cacheHits(connector, unique.length - needed.length);
      runtime.metrics.cacheMisses(connector, needed.length);
    }

    if (needed.length > 0) {
      const flights = this.fetchShared(needed, now, options.refresh === true, options.bulk === true);
      const answers = await Promise.allSettled(flights.map((flight) => flight.answer));
      needed.forEach((key, index) => {
        const answer = answers[index];
        if (answer.status === 'fulfilled') {
          const value = answer.value.get(key);
          // A joined request's records were fetched when that request asked, not now.
          const fetchedAt = flights[index].fetchedAt;
          results.set(
            key,
            value === undefined
              ? null
              : {
                  value,
                  freshness: {
                    fetchedAt,
                    stale: false,
                    source: DataSource.SYSTEM,
                    freshUntil: this.freshUntil(fetchedAt),
                  },
                },
          );
        } else {
          results.set(key, this.staleOrError(cached.get(key), answer.reason, now));
        }
      });
    }
    return normalised.map((key) => results.get(key) ?? null);
  }

  /**
   * Forgets cached copies (a change notice said they changed). A fetch under way will not
   * restore them, and no later read joins it: it may have been asked before the change, so the
   * next read asks the system again.
   */
  async evict(keys: readonly string[]): Promise<number> {
    const normalised = keys.map(this.normalize);
    for (const key of normalised) {
      this.bump(key);
      this.inFlight.delete(key);
      this.memory?.delete(key);
      this.evicting.set(key, (this.evicting.get(key) ?? 0) + 1);
    }
    try {
      return this.cache ? await this.cache.evict(this.options.connector, normalised) : 0;
    } finally {
      for (const key of normalised) {
        const left = (this.evicting.get(key) ?? 1) - 1;
        if (left === 0) this.evicting.delete(key);
        else this.evicting.set(key, left);
      }
    }
  }

  /** Tells the fetches outstanding for `key` that they are overtaken (no key state: nothing to overtake). */
  private bump(key: string): void {
    const state = this.keyStates.get(key);
    if (state) state.generation += 1;
  }

  private generationOf(key: string): number {
    return this.keyStates.get(key)?.generation ?? 0;
  }

  /**
   * The repository's copies, or none when the repository fails: the systems can still answer,
   * so a store outage costs freshness checks, not departments. The failure is logged and counted.
   */
  private async readRepository(keys: string[]): Promise<Map<string, CachedRecord<V>>> {
    try {
      const copies = (await this.cache!.read(this.options.connector, this.format, keys)) as Map<
        string,
        CachedRecord<V>
      >;
      // The repository may still hold a copy an evict under way is about to delete: a miss.
      for (const key of this.evicting.keys()) copies.delete(key);
      return copies;
    } catch (error) {
      this.options.runtime.metrics.cacheReadFailed(this.options.connector);
      this.options.runtime.warn(
        `Could not read ${this.options.connector} records from the repository: ${(error as Error).message}`,
      );
      return new Map();
    }
  }

  /** When a copy fetched at `fetchedAt` stops being fresh. */
  private freshUntil(fetchedAt: Date): Date {
    return new Date(fetchedAt.getTime() + this.options.freshness.ttlSeconds * 1000);
  }

  /** Serves `copy` into `results` when it is younger than the TTL; says whether it did. */
  private serveFresh(
    key: string,
    copy: CachedRecord<V> | undefined,
    now: Date,
    results: Map<string, LoadResult<V>>,
  ): boolean {
    if (!copy || now.getTime() - copy.fetchedAt.getTime() >= this.options.freshness.ttlSeconds * 1000) return false;
    results.set(key, {
      value: copy.value,
      freshness: {
        fetchedAt: copy.fetchedAt,
        stale: false,
        source: DataSource.REPOSITORY,
        freshUntil: this.freshUntil(copy.fetchedAt),
      },
    });
    return true;
  }

  /**
   * Per key, the upstream request that covers it: keys another request is already fetching join
   * that request; the rest go out together in one new request. A refresh never joins: the
   * request under way may have been asked before the change it is refreshing for.
   */
  private fetchShared(keys: string[], now: Date, refresh: boolean, bulk: boolean): Array<Flight<V>> {
    const fresh = refresh ? keys : keys.filter((key) => !this.joinable(this.inFlight.get(key), now));
    if (fresh.length > 0) {
      if (refresh) for (const key of fresh) this.bump(key);
      for (const key of fresh) {
        const state = this.keyStates.get(key);
        if (state) state.flights += 1;
        else this.keyStates.set(key, { generation: 0, flights: 1 });
      }
      const generations = new Map(fresh.map((key) => [key, this.generationOf(key)]));
      const answer = this.fetchUpstream(fresh);
      const written = answer.then((map) => this.writeBack(fresh, map, now, generations, refresh, !bulk));
      // Answers resolve before the write lands (a refresh waits); keys stay in flight until it has.
      const flight: Flight<V> = {
        answer: refresh ? written.then(() => answer) : answer,
        fetchedAt: now,
        answered: false,
      };
      const answered = () => (flight.answered = true);
      answer.then(answered, answered);
      for (const key of fresh) this.inFlight.set(key, flight);
      const release = () => {
        for (const key of fresh) {
          if (this.inFlight.get(key) === flight) this.inFlight.delete(key);
          const state = this.keyStates.get(key)!;
          if ((state.flights -= 1) === 0) this.keyStates.delete(key);
        }
      };
      written.then(release, release);
      if (refresh) return keys.map(() => flight);
    }
    return keys.map((key) => this.inFlight.get(key)!);
  }

  /**
   * Whether a read at `now` may join `flight`: the system has not answered it yet (however long
   * it takes: a slow system must not get one more request per read), or its answer is still
   * within the TTL. A flight stays in the map until its write-back lands, after its answer, and
   * a read past the TTL of an answer already in hand asks the system again.
   */
  private joinable(flight: Flight<V> | undefined, now: Date): boolean {
    if (flight === undefined) return false;
    return !flight.answered || now.getTime() - flight.fetchedAt.getTime() < this.options.freshness.ttlSeconds * 1000;
  }

  private async fetchUpstream(keys: string[]): Promise<UpstreamAnswer<V>> {
    const { connector, runtime } = this.options;
    const started = process.hrtime.bigint();
    const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
    try {
      const answer = await this.breaker.execute(() => this.options.fetch(keys));
      runtime.metrics.upstreamRequest(connector, 'ok', seconds());
      return onlyAsked(answer, keys);
    } catch (error) {
      runtime.metrics.upstreamRequest(connector, outcomeOf(error), seconds());
      throw error;
    }
  }

  /**
   * Stores an upstream answer in memory (unless `remember` is false: a bulk read's) and,
   * acknowledged, in the repository, except for keys a refresh or evict has touched since the
   * fetch began (their newer state wins).
   */
  private writeBack(
    asked: string[],
    answer: UpstreamAnswer<V>,
    now: Date,
    generations: ReadonlyMap<string, number>,
    urgent: boolean,
    remember: boolean,
  ): Promise<void> {
    const { connector, runtime, freshness } = this.options;
    const staleUntil = new Date(now.getTime() + freshness.staleIfErrorSeconds * 1000);
    const keys = asked.filter((key) => this.generationOf(key) === generations.get(key));
    if (keys.length < asked.length) answer = new Map([...answer].filter(([key]) => keys.includes(key)));
    for (const key of keys) {
      const value = answer.get(key);
      if (value === undefined) this.memory?.delete(key);
      else if (remember) this.memory?.set(key, { _id: key, value, fetchedAt: now, staleUntil });
      // A copy in memory older than this answer is not served again in its place.
      else this.memory?.delete(key);
    }
    if (!this.cache) return Promise.resolve();
    const gone = keys.filter((key) => !answer.has(key));
    const copies = { found: answer, gone, fetchedAt: now, staleUntil };
    const write = this.cache.write(connector, this.format, copies, urgent).catch((error: unknown) => {
      // The answer is still right for the requests that asked; the failed write is counted and logged, never silent.
      runtime.metrics.cacheWriteFailed(connector);
      runtime.warn(
        `Could not write ${answer.size} ${connector} records to the repository: ${(error as Error).message}`,
      );
    });
    this.pendingWrites.add(write);
    void write.finally(() => this.pendingWrites.delete(write));
    return write;
  }

  private staleOrError(copy: CachedRecord<V> | undefined, reason: unknown, now: Date): LoadResult<V> {
    const { connector, runtime, freshness } = this.options;
    if (copy && now.getTime() - copy.fetchedAt.getTime() < freshness.staleIfErrorSeconds * 1000) {
      runtime.metrics.staleServed(connector, 1);
      return {
        value: copy.value,
        freshness: {
          fetchedAt: copy.fetchedAt,
          stale: true,
          source: DataSource.REPOSITORY,
          freshUntil: this.freshUntil(copy.fetchedAt),
        },
      };
    }
    return reason instanceof Error ? reason : new Error(String(reason));
  }
}

/**
 * The answer cut to the keys asked: a record a system sent that nobody asked for is not
 * trusted (it would be written to the repository and later served as fresh without the system
 * ever having been asked for it).
 */
function onlyAsked<V>(answer: UpstreamAnswer<V>, asked: readonly string[]): UpstreamAnswer<V> {
  const wanted = new Set(asked);
  if ([...answer.keys()].every((key) => wanted.has(key))) return answer;
  return new Map([...answer].filter(([key]) => wanted.has(key)));
}
