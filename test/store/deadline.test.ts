import { MongoClient } from 'mongodb';
import type { CustomerIdentity } from '../../schema/identity';
import { IdentityRepository, SnapshotRepository, startEmbeddedMongo, type EmbeddedMongo } from '../../store';
import { StoreTimeoutError, walkWithDeadline, withDeadline } from '../../store/deadline';
import { StoreLease } from '../../store/lease';
import { startHoldingProxy, type HoldingProxy } from '../helpers/tcp-hold';

function customer(id: string, phone: string): CustomerIdentity {
  return {
    _id: id,
    name: id,
    emails: [],
    phones: [phone],
    taxNumbers: [],
    links: [{ system: 'sales', key: id }],
    aliases: [],
  };
}

/** A cursor whose refills the test answers by hand: each `next` past the batch waits for `refill`. */
function handCursor(docs: string[]) {
  const waiting: Array<() => void> = [];
  let closed = false;
  return {
    cursor: {
      bufferedCount: () => 0,
      next: () =>
        new Promise<string | null>((resolve) => {
          waiting.push(() => resolve(docs.shift() ?? null));
        }),
      close: () => {
        closed = true;
        return Promise.resolve();
      },
    },
    /** Answers the round trip waiting now. */
    refill: () => waiting.shift()?.(),
    get pending() {
      return waiting.length;
    },
    get closed() {
      return closed;
    },
  };
}

describe('deadlines on store calls', () => {
  afterEach(() => jest.useRealTimers());

  it('rejects with a StoreTimeoutError naming the call once its deadline passes, and aborts its signal', async () => {
    jest.useFakeTimers();
    let signal: AbortSignal | null = null;
    const call = withDeadline(250, 'a customer look-up', (deadline) => {
      signal = deadline.signal;
      expect(deadline.maxTimeMS).toBe(250);
      return new Promise<never>(() => undefined);
    });
    const outcome = call.catch((error: unknown) => error);
    await jest.advanceTimersByTimeAsync(249);
    expect(signal!.aborted).toBe(false);
    await jest.advanceTimersByTimeAsync(1);
    const error = await outcome;
    expect(error).toBeInstanceOf(StoreTimeoutError);
    expect(error).toMatchObject({ code: 'STORE_TIMEOUT', operation: 'a customer look-up', timeoutMs: 250 });
    expect(signal!.aborted).toBe(true);
  });

  it('gives each round trip of a walk its own deadline, so a walk longer than one deadline is not cut off', async () => {
    jest.useFakeTimers();
    const hand = handCursor(['a', 'b', 'c', 'd', 'e']);
    const walk = (async () => {
      const seen: string[] = [];
      for await (const doc of walkWithDeadline(100, 'a walk', () => hand.cursor)) seen.push(doc);
      return seen;
    })();
    // Five documents and the end, each answered 99 ms into its round trip: 594 ms in all.
    for (let i = 0; i < 6; i += 1) {
      await jest.advanceTimersByTimeAsync(99);
      expect(hand.pending).toBe(1);
      hand.refill();
    }
    await expect(walk).resolves.toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(hand.closed).toBe(true);
  });

  it('stops a walk whose round trip stalls past the deadline, and closes its cursor', async () => {
    jest.useFakeTimers();
    const hand = handCursor(['a', 'b']);
    const walk = (async () => {
      for await (const doc of walkWithDeadline(100, 'a walk', () => hand.cursor)) void doc;
    })();
    const outcome = walk.catch((error: unknown) => error);
    await jest.advanceTimersByTimeAsync(10);
    hand.refill();
    await jest.advanceTimersByTimeAsync(100);
    expect(await outcome).toBeInstanceOf(StoreTimeoutError);
    expect(hand.closed).toBe(true);
  });
});

// A store that accepts connections and bytes and never answers: the driver's own defaults would
// wait for its monitor (30 s) or forever; each call must give up at its deadline instead.
describe('repositories on a store that stops answering', () => {
  let server: EmbeddedMongo;
  let proxy: HoldingProxy;
  let client: MongoClient;
  let identities: IdentityRepository;
  let snapshots: SnapshotRepository;
  const deadlines = { requestMs: 150, batchMs: 300 };

  beforeAll(async () => {
    server = await startEmbeddedMongo({ memory: true, tcp: true });
    proxy = await startHoldingProxy({ host: '127.0.0.1', port: server.tcp!.port });
    client = await new MongoClient(`mongodb://${proxy.address}/?directConnection=true`).connect();
    const db = client.db('deadlines');
    identities = new IdentityRepository(db, deadlines);
    snapshots = new SnapshotRepository(db, deadlines);
    await identities.ensureIndexes();
    await snapshots.ensureIndexes([]);
    await identities.replaceAll([customer('cus_a', '+14155550100'), customer('cus_b', '+14155550101')], new Date());
    proxy.hold();
  });
  afterAll(async () => {
    proxy.release();
    await client.close();
    await proxy.close();
    await server.close();
  });

  const timesOut = async (call: () => Promise<unknown>, timeoutMs: number) => {
    const error = await call().then(
      () => null,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(StoreTimeoutError);
    expect((error as StoreTimeoutError).timeoutMs).toBe(timeoutMs);
  };

  it('gives up each identity look-up at the request deadline', async () => {
    await timesOut(() => identities.findByIds(['cus_a']), 150);
    await timesOut(() => identities.findByPhone('+14155550100'), 150);
    await timesOut(() => identities.findByEmail('a@example.com'), 150);
    await timesOut(() => identities.page(10, null), 150);
    await timesOut(() => identities.count(), 150);
    await timesOut(() => identities.readState(), 150);
  });

  it('gives up each snapshot query at the request deadline', async () => {
    await timesOut(() => snapshots.query({ conditions: [], sort: null, first: 10, after: null }), 150);
    await timesOut(() => snapshots.count([]), 150);
    await timesOut(() => snapshots.readState(), 150);
  });

  it("gives a sync's and a snapshot run's operations the batch deadline", async () => {
    await timesOut(() => identities.page(10, null, { batch: true }), 300);
    await timesOut(() => identities.linkIndex(), 300);
    await timesOut(() => identities.replaceAll([customer('cus_c', '+14155550102')], new Date()), 300);
    await timesOut(() => snapshots.beginRun(), 300);
    await timesOut(() => snapshots.commitRun(), 300);
    await timesOut(() => new StoreLease(client.db('deadlines'), 'test', 60_000, undefined, 300).acquire(), 300);
  });
});
