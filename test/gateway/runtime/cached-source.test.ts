import { MongoClient, type Db } from 'mongodb';
import {
  CachedSource,
  noMetrics,
  type ConnectorMetrics,
  type ConnectorRuntime,
  type Fetched,
} from '../../../gateway/runtime';
import { RecordStore } from '../../../gateway/runtime/record-store';
import { startEmbeddedMongo, type EmbeddedMongo } from '../../../store/embedded';

interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
}
function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** A fake system whose answers the test releases one request at a time. */
class FakeSystem {
  version = 'v1';
  readonly pending: Array<{ keys: readonly string[]; release: () => void }> = [];
  calls = 0;

  fetch = (keys: readonly string[]): Promise<Map<string, string>> => {
    this.calls += 1;
    // The answer is what the system holds when the request reaches it: now.
    const answer = new Map(keys.map((key) => [key, `${key}@${this.version}`]));
    const gate = deferred<void>();
    this.pending.push({ keys, release: () => gate.resolve() });
    return gate.promise.then(() => answer);
  };

  releaseAll(): void {
    for (const request of this.pending.splice(0)) request.release();
  }
}

/** Waits (a bounded number of turns of the event loop) until `condition` holds. */
async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !condition(); i += 1) await new Promise((resolve) => setImmediate(resolve));
  if (!condition()) throw new Error('condition never held');
}

describe('CachedSource', () => {
  let server: EmbeddedMongo;
  let client: MongoClient;
  let db: Db;
  let collection = 0;

  beforeAll(async () => {
    server = await startEmbeddedMongo({ memory: true });
    client = await new MongoClient(server.uri).connect();
    db = client.db('cached_source');
  });
  afterAll(async () => {
    await client.close();
    await server.close();
  });

  function source(system: FakeSystem, overrides: Partial<ConnectorRuntime> = {}) {
    collection += 1;
    const runtime: ConnectorRuntime = {
      records: new RecordStore(db),
      memoryEntries: 100,
      metrics: noMetrics,
      now: () => new Date(),
      warn: () => undefined,
      ...overrides,
    };
    return new CachedSource<string>({
      connector: `fake${collection}`,
      fetch: system.fetch,
      freshness: { ttlSeconds: 60, staleIfErrorSeconds: 3600 },
      breaker: { failureRate: 0.5, windowSeconds: 10, minimumRequests: 5, resetSeconds: 10 },
      runtime,
    });
  }
  const valueOf = (result: Fetched<string> | null | Error | undefined) =>
    result && !(result instanceof Error) ? result.value : result;

  it('keeps nothing a bulk read fetched in memory, where an ordinary read keeps it', async () => {
    const system = new FakeSystem();
    const records = new RecordStore(db);
    const cache = source(system, { records });
    const reads = jest.spyOn(records, 'read');
    const bulk = cache.load(['a'], { bulk: true });
    await until(() => system.calls === 1);
    system.releaseAll();
    expect(valueOf((await bulk)[0])).toBe('a@v1');
    await cache.settle();
    // Not in memory: the next read asks the repository (which has the copy), not the system.
    reads.mockClear();
    expect(valueOf((await cache.load(['a']))[0])).toBe('a@v1');
    expect(reads).toHaveBeenCalledTimes(1);
    expect(system.calls).toBe(1);
    // That ordinary read kept it: the one after is answered from memory.
    reads.mockClear();
    expect(valueOf((await cache.load(['a']))[0])).toBe('a@v1');
    expect(reads).not.toHaveBeenCalled();
  });

  it('does not bring a copy a bulk read found in the repository into memory', async () => {
    const system = new FakeSystem();
    const records = new RecordStore(db);
    const cache = source(system, { records });
    const first = cache.load(['b'], { bulk: true });
    await until(() => system.calls === 1);
    system.releaseAll();
    await first;
    await cache.settle();
    const reads = jest.spyOn(records, 'read');
    // Twice in bulk: each read asks the repository, where the copy is; the system is not asked again.
    await cache.load(['b'], { bulk: true });
    await cache.load(['b'], { bulk: true });
    expect(reads).toHaveBeenCalledTimes(2);
    expect(system.calls).toBe(1);
  });

  it('does not let a refresh join a fetch that was asked before the change', async () => {
    const system = new FakeSystem();
    const cache = source(system);
    const before = cache.load(['k']);
    await until(() => system.calls === 1);
    system.version = 'v2';
    const refresh = cache.load(['k'], { refresh: true });
    await until(() => system.calls === 2);
    system.releaseAll();
    expect(valueOf((await before)[0])).toBe('k@v1');
    expect(valueOf((await refresh)[0])).toBe('k@v2');
    await cache.settle();
    // The older fetch's write-back must not have replaced the refreshed copy.
    expect(valueOf((await cache.load(['k']))[0])).toBe('k@v2');
    expect(system.calls).toBe(2);
  });

  it('does not let a fetch under way restore what an evict removed', async () => {
    const system = new FakeSystem();
    const cache = source(system);
    const before = cache.load(['k']);
    await until(() => system.calls === 1);
    await cache.evict(['k']);
    system.releaseAll();
    await before;
    await cache.settle();
    // Neither memory nor the repository holds the pre-evict answer: the next read asks the system.
    const after = cache.load(['k']);
    await until(() => system.calls === 2);
    system.releaseAll();
    await after;
  });

  it('asks the system again, rather than join, when a fetch whose write-back is still queued is past its TTL', async () => {
    const system = new FakeSystem();
    let clock = new Date('2030-01-01T00:00:00.000Z');
    // The write-back waits in the queue until settle() sends it, so the first fetch stays under way.
    const cache = source(system, {
      records: new RecordStore(db, { writeDelayMs: 60_000 }),
      memoryEntries: 0,
      now: () => clock,
    });
    const first = cache.load(['k']);
    await until(() => system.calls === 1);
    system.releaseAll();
    await first;
    clock = new Date('2030-01-01T00:00:30.000Z');
    // Within the TTL, a read joins the answered fetch: no second call.
    expect(valueOf((await cache.load(['k']))[0])).toBe('k@v1');
    expect(system.calls).toBe(1);
    clock = new Date('2030-01-01T00:01:01.000Z');
    system.version = 'v2';
    const late = cache.load(['k']);
    await until(() => system.calls === 2);
    system.releaseAll();
    const [fetched] = await late;
    expect(valueOf(fetched)).toBe('k@v2');
    expect((fetched as Fetched<string>).freshness.fetchedAt).toEqual(clock);
    await cache.settle();
  });

  it('joins a fetch the system has not answered yet, however long past the TTL it has taken', async () => {
    const system = new FakeSystem();
    let clock = new Date('2030-01-01T00:00:00.000Z');
    const joinerMissed = deferred<void>();
    let misses = 0;
    const metrics: ConnectorMetrics = {
      ...noMetrics,
      cacheMisses: () => {
        if ((misses += 1) === 2) joinerMissed.resolve();
      },
    };
    const cache = source(system, { now: () => clock, metrics });
    const first = cache.load(['k']);
    await until(() => system.calls === 1);
    // A slow system: the TTL (60 s) passes before it answers; another read must not pile on.
    clock = new Date('2030-01-01T00:02:00.000Z');
    const second = cache.load(['k']);
    await joinerMissed.promise;
    expect(system.calls).toBe(1);
    system.releaseAll();
    expect([valueOf((await first)[0]), valueOf((await second)[0])]).toEqual(['k@v1', 'k@v1']);
    await cache.settle();
  });

  it('serves no repository copy of a key while an evict of it is deleting that copy', async () => {
    const system = new FakeSystem();
    const now = new Date();
    const copy = {
      _id: 'k',
      value: 'k@old',
      fetchedAt: now,
      staleUntil: new Date(now.getTime() + 3_600_000),
      v: '1.1',
    };
    const deleted = deferred<number>();
    // A repository whose delete has not landed yet, and which still holds the old copy.
    const records = {
      read: () => Promise.resolve(new Map([['k', copy]])),
      evict: () => deleted.promise,
      write: () => Promise.resolve(),
      flush: () => Promise.resolve(),
    } as unknown as RecordStore;
    const cache = source(system, { records, memoryEntries: 0 });
    const evicting = cache.evict(['k']);
    const during = cache.load(['k']);
    await until(() => system.calls === 1);
    system.releaseAll();
    expect(valueOf((await during)[0])).toBe('k@v1');
    deleted.resolve(1);
    expect(await evicting).toBe(1);
    // Once the delete has landed, what the repository answers is served again.
    expect(valueOf((await cache.load(['k']))[0])).toBe('k@old');
    expect(system.calls).toBe(1);
  });

  it('gives a request that joins a fetch the time that fetch was asked', async () => {
    const system = new FakeSystem();
    let clock = new Date('2030-01-01T00:00:00.000Z');
    // A load counts its misses after its repository read, in the same turn as it goes upstream
    // (joining a flight or starting one): the second count is the joiner reaching the flight.
    const joinerMissed = deferred<void>();
    let misses = 0;
    const metrics: ConnectorMetrics = {
      ...noMetrics,
      cacheMisses: () => {
        misses += 1;
        if (misses === 2) joinerMissed.resolve();
      },
    };
    const cache = source(system, { now: () => clock, metrics });
    const first = cache.load(['k']);
    await until(() => system.calls === 1);
    clock = new Date('2030-01-01T00:00:05.000Z');
    const joined = cache.load(['k']);
    await joinerMissed.promise;
    expect(system.calls).toBe(1);
    system.releaseAll();
    const [a] = await first;
    const [b] = await joined;
    expect((b as Fetched<string>).freshness.fetchedAt).toEqual((a as Fetched<string>).freshness.fetchedAt);
    expect((b as Fetched<string>).freshness.fetchedAt).toEqual(new Date('2030-01-01T00:00:00.000Z'));
    await cache.settle();
  });

  it('answers from the system, and counts it, when the repository cannot be read', async () => {
    const system = new FakeSystem();
    const failures: string[] = [];
    const metrics: ConnectorMetrics = { ...noMetrics, cacheReadFailed: (connector) => failures.push(connector) };
    const broken = {
      collection: () => ({
        find: () => ({ toArray: () => Promise.reject(new Error('repository down')) }),
        bulkWrite: () => Promise.reject(new Error('repository down')),
      }),
    } as unknown as Db;
    const warnings: string[] = [];
    const cache = source(system, {
      records: new RecordStore(broken),
      memoryEntries: 0,
      metrics,
      warn: (m) => warnings.push(m),
    });
    const pending = cache.load(['k']);
    await until(() => system.calls === 1);
    system.releaseAll();
    expect(valueOf((await pending)[0])).toBe('k@v1');
    await cache.settle();
    expect(failures).toHaveLength(1);
    expect(warnings).toEqual([expect.stringContaining('repository down'), expect.stringContaining('repository down')]);
  });
});
