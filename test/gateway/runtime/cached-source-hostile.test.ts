import { MongoClient, type Db } from 'mongodb';
import {
  CachedSource,
  noMetrics,
  type ConnectorMetrics,
  type ConnectorRuntime,
  type Fetched,
} from '../../../gateway/runtime';
import { RECORDS_COLLECTION, RecordStore, recordId } from '../../../gateway/runtime/record-store';
import { startEmbeddedMongo, type EmbeddedMongo } from '../../../store/embedded';
import { startHoldingProxy, type HoldingProxy } from '../../helpers/tcp-hold';

/** A fake system: answers every key (plus whatever `extra` says) once the test releases it. */
class FakeSystem {
  version = 'v1';
  /** Records sent that nobody asked for. */
  extra = new Map<string, string>();
  /** Characters of padding in every value. */
  padding = 0;
  calls = 0;
  private readonly gates: Array<() => void> = [];
  held = false;

  fetch = (keys: readonly string[]): Promise<Map<string, string>> => {
    this.calls += 1;
    const answer = new Map(keys.map((key) => [key, `${key}@${this.version}${'.'.repeat(this.padding)}`]));
    for (const [key, value] of this.extra) answer.set(key, value);
    if (!this.held) return Promise.resolve(answer);
    return new Promise((resolve) => this.gates.push(() => resolve(answer)));
  };

  releaseAll(): void {
    for (const release of this.gates.splice(0)) release();
  }
}

/** Waits (a bounded number of turns of the event loop) until `condition` holds. */
async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !condition(); i += 1) await new Promise((resolve) => setImmediate(resolve));
  if (!condition()) throw new Error('condition never held');
}

const valueOf = (result: Fetched<string> | null | Error | undefined) =>
  result && !(result instanceof Error) ? result.value : result;

describe('CachedSource against a hostile system or a slow store', () => {
  let server: EmbeddedMongo;
  let client: MongoClient;
  let db: Db;
  let collection = 0;

  beforeAll(async () => {
    // A TCP listener as well as the socket, so a holding proxy can stand between a client and it.
    server = await startEmbeddedMongo({ memory: true, tcp: { host: '127.0.0.1', port: 0 } });
    client = await new MongoClient(server.uri).connect();
    db = client.db('cached_source_hostile');
  });
  afterAll(async () => {
    await client.close();
    await server.close();
  });

  function source(system: FakeSystem, overrides: Partial<ConnectorRuntime> = {}, recordVersion?: number) {
    collection += 1;
    const runtime: ConnectorRuntime = {
      records: new RecordStore(db),
      memoryEntries: 100,
      metrics: noMetrics,
      now: () => new Date(),
      warn: () => undefined,
      ...overrides,
    };
    const connector = `hostile${collection}`;
    const cache = new CachedSource<string>({
      connector,
      fetch: system.fetch,
      freshness: { ttlSeconds: 60, staleIfErrorSeconds: 3600 },
      breaker: { failureRate: 0.5, windowSeconds: 10, minimumRequests: 5, resetSeconds: 10 },
      runtime,
      recordVersion,
    });
    const documents = () => db.collection(RECORDS_COLLECTION).find({ c: connector }).toArray();
    return { cache, documents };
  }

  it('keeps only the records it asked for: a record sent unasked is neither stored nor served', async () => {
    const system = new FakeSystem();
    system.extra.set('victim', 'forged profile');
    const { cache, documents } = source(system);
    expect(valueOf((await cache.load(['k']))[0])).toBe('k@v1');
    await cache.settle();
    expect((await documents()).map((doc) => doc._id)).toEqual([recordId(`hostile${collection}`, 'k')]);
    system.extra.clear();
    expect(valueOf((await cache.load(['victim']))[0])).toBe('victim@v1');
    expect(system.calls).toBe(2);
    await cache.settle();
  });

  it('makes the next read after an evict ask the system, rather than join the fetch from before the change', async () => {
    const system = new FakeSystem();
    system.held = true;
    const { cache } = source(system);
    const before = cache.load(['k']);
    await until(() => system.calls === 1);
    await cache.evict(['k']);
    system.version = 'v2';
    const after = cache.load(['k']);
    await until(() => system.calls === 2);
    system.releaseAll();
    expect(valueOf((await before)[0])).toBe('k@v1');
    expect(valueOf((await after)[0])).toBe('k@v2');
    await cache.settle();
  });

  it('forgets the keys of finished fetches, refreshes and evicts', async () => {
    const system = new FakeSystem();
    const { cache } = source(system);
    const keys = Array.from({ length: 50 }, (_, i) => `k${i}`);
    await cache.load(keys);
    await cache.load(keys, { refresh: true });
    await cache.evict(keys);
    await cache.settle();
    expect(cache.trackedKeys).toBe(0);
  });

  it('bounds the records it keeps in memory by their size, not only their number', async () => {
    const system = new FakeSystem();
    system.padding = 1_000;
    const { cache } = source(system, { memoryEntries: 1_000, memoryBytes: 10_000 });
    await cache.load(Array.from({ length: 20 }, (_, i) => `k${i}`));
    await cache.settle();
    const memory = Reflect.get(cache, 'memory') as { size: number; calculatedSize: number };
    // 20 records of about 2 KB each: only those that fit in 10 KB stay.
    expect(memory.size).toBeGreaterThan(0);
    expect(memory.size).toBeLessThan(6);
    expect(memory.calculatedSize).toBeLessThanOrEqual(10_000);
  });

  it('treats a copy of an older shape in the repository as a miss, not as a record', async () => {
    const system = new FakeSystem();
    const { cache } = source(system, { memoryEntries: 0 });
    const now = new Date();
    // As an older hub wrote it: no format tag, and a value today's mapper would not understand.
    await db.collection<{ _id: string }>(RECORDS_COLLECTION).insertOne({
      _id: recordId(`hostile${collection}`, 'k'),
      value: { legacy: true },
      fetchedAt: now,
      staleUntil: new Date(now.getTime() + 3_600_000),
    } as never);
    expect(valueOf((await cache.load(['k']))[0])).toBe('k@v1');
    expect(system.calls).toBe(1);
    await cache.settle();
  });

  it('reads a copy written under another record version as a miss', async () => {
    const system = new FakeSystem();
    const first = source(system, { memoryEntries: 0 }, 1);
    await first.cache.load(['k']);
    await first.cache.settle();
    // The same collection, read by a connector whose records changed shape (version 2).
    collection -= 1;
    const second = source(system, { memoryEntries: 0 }, 2);
    await second.cache.load(['k']);
    expect(system.calls).toBe(2);
    await second.cache.settle();
  });

  describe('with a store that stops answering', () => {
    let proxy: HoldingProxy;
    let slowClient: MongoClient;
    beforeAll(async () => {
      proxy = await startHoldingProxy({ host: '127.0.0.1', port: server.tcp!.port });
      slowClient = await new MongoClient(`mongodb://${proxy.address}/?directConnection=true`).connect();
    });
    afterAll(async () => {
      proxy.release();
      await slowClient.close();
      await proxy.close();
    });

    it('answers from the system once the read deadline passes, and lets the keys go once the write deadline does', async () => {
      const system = new FakeSystem();
      const counted: string[] = [];
      const metrics: ConnectorMetrics = {
        ...noMetrics,
        cacheReadFailed: () => counted.push('read'),
        cacheWriteFailed: () => counted.push('write'),
      };
      const { cache } = source(system, {
        records: new RecordStore(slowClient.db('cached_source_hostile'), { readTimeoutMs: 100, writeTimeoutMs: 100 }),
        memoryEntries: 0,
        metrics,
      });
      proxy.hold();
      try {
        expect(valueOf((await cache.load(['k']))[0])).toBe('k@v1');
        await cache.settle();
        expect(counted).toEqual(['read', 'write']);
        expect(cache.trackedKeys).toBe(0);
      } finally {
        proxy.release();
      }
    });
  });
});
