import { MongoBulkWriteError, MongoClient, type AnyBulkWriteOperation, type Db } from 'mongodb';
import { RECORDS_COLLECTION, RecordStore, recordFormat, recordId } from '../../../gateway/runtime/record-store';
import { startEmbeddedMongo, type EmbeddedMongo } from '../../../store/embedded';
import { countByCollection, recordCommands } from '../../helpers/store-commands';

const FORMAT = recordFormat(1);
const hour = (from: Date) => new Date(from.getTime() + 3_600_000);

/** Copies of `keys`, each valued `<key>@<tag>`. */
function copies(keys: string[], tag: string, gone: string[] = [], fetchedAt = new Date()) {
  return { found: new Map(keys.map((key) => [key, `${key}@${tag}`])), gone, fetchedAt, staleUntil: hour(fetchedAt) };
}

/** Whether `promise` has settled by the time everything already queued has run. */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  void promise.then(
    () => (done = true),
    () => (done = true),
  );
  await new Promise((resolve) => setImmediate(resolve));
  return done;
}

describe('RecordStore: every connector in one collection, one round trip per turn', () => {
  let server: EmbeddedMongo;
  let client: MongoClient;
  let db: Db;
  let database = 0;

  beforeAll(async () => {
    server = await startEmbeddedMongo({ memory: true });
    client = await new MongoClient(server.uri, { monitorCommands: true }).connect();
  });
  beforeEach(() => {
    database += 1;
    db = client.db(`record_store_${database}`);
  });
  afterAll(async () => {
    await client.close();
    await server.close();
  });

  it('reads what every connector asks for in one turn with one find', async () => {
    const store = new RecordStore(db, { writeDelayMs: 60_000 });
    const writes = [
      store.write('sales', FORMAT, copies(['a', 'b'], 'v1')),
      store.write('credit', FORMAT, copies(['a'], 'v1')),
    ];
    await store.flush();
    await Promise.all(writes);
    const commands = recordCommands(client);
    const [sales, credit, support] = await Promise.all([
      store.read('sales', FORMAT, ['a', 'b', 'missing']),
      store.read('credit', FORMAT, ['a', 'b']),
      store.read('support', FORMAT, ['a']),
    ]);
    expect(countByCollection(commands.take())).toEqual({ [`find ${RECORDS_COLLECTION}`]: 1 });
    commands.stop();
    expect([...sales].map(([key, copy]) => [key, copy.value])).toEqual([
      ['a', 'a@v1'],
      ['b', 'b@v1'],
    ]);
    // Each connector's keys are its own: credit's `a` is not sales' `a`, and support has none.
    expect([...credit.keys()]).toEqual(['a']);
    expect(support.size).toBe(0);
  });

  it('reads a copy written in another format as a miss', async () => {
    const store = new RecordStore(db);
    await store.write('sales', recordFormat(1), copies(['a'], 'v1'), true);
    expect((await store.read('sales', recordFormat(2), ['a'])).size).toBe(0);
    expect((await store.read('sales', recordFormat(1), ['a'])).size).toBe(1);
  });

  it('sends write-backs queued within the delay as one bulk write, and settles each when it lands', async () => {
    const store = new RecordStore(db, { writeDelayMs: 60_000 });
    const commands = recordCommands(client);
    const sales = store.write('sales', FORMAT, copies(['a', 'b'], 'v1'));
    const credit = store.write('credit', FORMAT, copies(['a'], 'v1'));
    expect(await settled(sales)).toBe(false);
    await store.flush();
    await Promise.all([sales, credit]);
    expect(countByCollection(commands.take())).toEqual({ [`update ${RECORDS_COLLECTION}`]: 1 });
    commands.stop();
    const stored = await db.collection(RECORDS_COLLECTION).find({}).sort({ _id: 1 }).toArray();
    expect(stored.map((doc) => [doc._id, doc.c, doc.value])).toEqual([
      [recordId('credit', 'a'), 'credit', 'a@v1'],
      [recordId('sales', 'a'), 'sales', 'a@v1'],
      [recordId('sales', 'b'), 'sales', 'b@v1'],
    ]);
  });

  it('sends the queue by its timer when nobody flushes it', async () => {
    const store = new RecordStore(db, { writeDelayMs: 1 });
    await store.write('sales', FORMAT, copies(['a'], 'v1'));
    expect((await store.read('sales', FORMAT, ['a'])).get('a')?.value).toBe('a@v1');
  });

  it('keeps the last copy of a record queued twice, and removes the records a system no longer knows', async () => {
    const store = new RecordStore(db, { writeDelayMs: 60_000 });
    await store.write('sales', FORMAT, copies(['a', 'b'], 'v1'), true);
    const first = store.write('sales', FORMAT, copies(['a'], 'v1'));
    const second = store.write('sales', FORMAT, copies(['a'], 'v2', ['b']));
    await store.flush();
    await Promise.all([first, second]);
    const read = await store.read('sales', FORMAT, ['a', 'b']);
    expect([...read].map(([key, copy]) => [key, copy.value])).toEqual([['a', 'a@v2']]);
  });

  it('sends at once when asked to, or when the queue is full', async () => {
    const urgent = new RecordStore(db, { writeDelayMs: 60_000 });
    await urgent.write('sales', FORMAT, copies(['a'], 'v1'), true);
    const full = new RecordStore(db, { writeDelayMs: 60_000, maxWriteBatch: 2 });
    const one = full.write('credit', FORMAT, copies(['a'], 'v1'));
    expect(await settled(one)).toBe(false);
    await Promise.all([one, full.write('credit', FORMAT, copies(['b'], 'v1'))]);
    expect(await db.collection(RECORDS_COLLECTION).countDocuments()).toBe(3);
  });

  it('does not let a queued copy bring back a record evicted after it was queued', async () => {
    const store = new RecordStore(db, { writeDelayMs: 60_000 });
    await store.write('sales', FORMAT, copies(['a', 'b'], 'v1'), true);
    const queued = store.write('sales', FORMAT, copies(['a', 'b'], 'v2'));
    expect(await store.evict('sales', ['a', 'b'])).toBe(2);
    await store.flush();
    await queued;
    expect((await store.read('sales', FORMAT, ['a', 'b'])).size).toBe(0);
  });

  it('lets no older answer replace a newer copy, whichever of their writes lands last', async () => {
    // Two bulk writes on different pooled connections, or two hubs, may land in either order.
    const store = new RecordStore(db, { writeDelayMs: 60_000 });
    const [earlier, later] = [new Date('2026-12-01T10:00:00Z'), new Date('2026-12-01T10:00:05Z')];
    await store.write('sales', FORMAT, copies(['a', 'b'], 'new', [], later), true);
    // The older answer lands after: its write succeeds (nothing failed) and changes nothing.
    await expect(store.write('sales', FORMAT, copies(['a'], 'old', ['b'], earlier), true)).resolves.toBeUndefined();
    const read = await store.read('sales', FORMAT, ['a', 'b']);
    expect([...read].map(([key, copy]) => [key, copy.value, copy.fetchedAt])).toEqual([
      ['a', 'a@new', later],
      ['b', 'b@new', later],
    ]);
    // An answer as recent as the copy still replaces it (a refresh within the same millisecond).
    await store.write('sales', FORMAT, copies(['a'], 'again', [], later), true);
    expect((await store.read('sales', FORMAT, ['a'])).get('a')?.value).toBe('a@again');
  });

  it('does not let an older answer bring back a record a newer answer found gone', async () => {
    const store = new RecordStore(db, { writeDelayMs: 60_000 });
    const [earlier, later, latest] = [1, 2, 3].map((second) => new Date(`2026-12-01T10:00:0${second}Z`));
    await store.write('sales', FORMAT, copies(['a'], 'first', [], earlier), true);
    await store.write('sales', FORMAT, copies([], 'none', ['a'], later), true);
    expect((await store.read('sales', FORMAT, ['a'])).size).toBe(0);
    await store.write('sales', FORMAT, copies(['a'], 'late', [], earlier), true);
    expect((await store.read('sales', FORMAT, ['a'])).size).toBe(0);
    // The system knowing the record again, in a newer answer, brings it back.
    await store.write('sales', FORMAT, copies(['a'], 'back', [], latest), true);
    expect((await store.read('sales', FORMAT, ['a'])).get('a')?.value).toBe('a@back');
  });

  it('leaves a dated mark on an evict, counting only the copies it removed, that no older copy written late replaces', async () => {
    const [before, evictedAt, after] = [1, 2, 3].map((second) => new Date(`2026-12-01T10:00:0${second}Z`));
    const store = new RecordStore(db, { writeDelayMs: 60_000, now: () => evictedAt, evictMarkSeconds: 60 });
    await store.write('sales', FORMAT, copies(['a'], 'v1', ['b'], before), true);
    expect(await store.evict('sales', ['a', 'b', 'never-held'])).toBe(1);
    expect((await store.read('sales', FORMAT, ['a', 'b', 'never-held'])).size).toBe(0);
    // Another hub's answer from before the change, written after the evict: it changes nothing.
    const otherHub = new RecordStore(db, { writeDelayMs: 60_000 });
    await otherHub.write('sales', FORMAT, copies(['a', 'never-held'], 'late', [], before), true);
    expect((await store.read('sales', FORMAT, ['a', 'never-held'])).size).toBe(0);
    // The mark goes with the TTL index after evictMarkSeconds, and an answer from after it lands.
    const mark = await db.collection(RECORDS_COLLECTION).findOne({ _id: recordId('sales', 'a') as never });
    expect(mark).toMatchObject({ v: 'gone', fetchedAt: evictedAt, staleUntil: new Date(evictedAt.getTime() + 60_000) });
    await otherHub.write('sales', FORMAT, copies(['a'], 'fresh', [], after), true);
    expect((await store.read('sales', FORMAT, ['a'])).get('a')?.value).toBe('a@fresh');
  });

  /**
   * A repository whose first bulk write finds an older first copy of sales:a inserted under it
   * (another hub's, at the same moment) and fails with these per-operation errors, by record id;
   * every later bulk write goes through.
   */
  function racedOnce(earlier: Date, errors: Record<string, { code?: number; errmsg: string }>): Db {
    const real = db.collection(RECORDS_COLLECTION);
    let raced = false;
    return {
      collection: () => ({
        bulkWrite: async (ops: Array<AnyBulkWriteOperation<{ _id: string }>>, options: object) => {
          if (raced) return real.bulkWrite(ops as never, options);
          raced = true;
          const older = { _id: recordId('sales', 'a'), c: 'sales', value: 'a@old', fetchedAt: earlier, v: FORMAT };
          await real.insertOne({ ...older, staleUntil: hour(earlier) } as never);
          const indexOf = (id: string) => ops.findIndex((op) => 'replaceOne' in op && op.replaceOne.filter._id === id);
          throw Object.assign(Object.create(MongoBulkWriteError.prototype) as MongoBulkWriteError, {
            message: Object.values(errors)[Object.keys(errors).length - 1].errmsg,
            writeErrors: Object.entries(errors).map(([id, error]) => ({ index: indexOf(id), ...error })),
          });
        },
      }),
    } as unknown as Db;
  }
  const DUPLICATE = { code: 11000, errmsg: 'E11000 duplicate key error' };

  it('lands the newer of two first copies written at the same moment, whichever inserts first', async () => {
    // Both upserts miss (nothing is there yet); the older one inserts first and the newer one
    // collides with it, as two hubs writing at once see it.
    const [earlier, later] = [new Date('2026-12-01T10:00:00Z'), new Date('2026-12-01T10:00:05Z')];
    const store = new RecordStore(racedOnce(earlier, { [recordId('sales', 'a')]: DUPLICATE }), {
      writeDelayMs: 60_000,
    });
    await expect(store.write('sales', FORMAT, copies(['a'], 'new', [], later), true)).resolves.toBeUndefined();
    const reader = new RecordStore(db);
    expect((await reader.read('sales', FORMAT, ['a'])).get('a')?.value).toBe('a@new');
    // And the other way round: a copy older than the one there collides again, and changes nothing.
    await new RecordStore(db).write('sales', FORMAT, copies(['a'], 'older', [], earlier), true);
    expect((await reader.read('sales', FORMAT, ['a'])).get('a')?.value).toBe('a@new');
  });

  it('still sends again a copy that collided when the same bulk write also had one refused', async () => {
    const [earlier, later] = [new Date('2026-12-01T10:00:00Z'), new Date('2026-12-01T10:00:05Z')];
    const mixed = racedOnce(earlier, {
      [recordId('sales', 'a')]: DUPLICATE,
      [recordId('credit', 'b')]: { errmsg: 'some refused' },
    });
    const store = new RecordStore(mixed, { writeDelayMs: 60_000 });
    const sales = store.write('sales', FORMAT, copies(['a'], 'new', [], later));
    const credit = store.write('credit', FORMAT, copies(['b'], 'v1', [], later));
    await store.flush();
    await expect(sales).resolves.toBeUndefined();
    await expect(credit).rejects.toThrow('some refused');
    expect((await new RecordStore(db).read('sales', FORMAT, ['a'])).get('a')?.value).toBe('a@new');
  });

  it('fails only the write-backs whose records the store refused, when it refuses some of a bulk write', async () => {
    // A store that refuses the operation on credit:a alone, as MongoDB reports it: by its index.
    const bulkWrite = (ops: Array<AnyBulkWriteOperation<{ _id: string }>>) => {
      const index = ops.findIndex((op) => 'replaceOne' in op && op.replaceOne.filter._id === recordId('credit', 'a'));
      const refusal = Object.assign(Object.create(MongoBulkWriteError.prototype) as MongoBulkWriteError, {
        message: 'document refused',
        writeErrors: [{ index, errmsg: 'document refused' }],
      });
      return Promise.reject(refusal);
    };
    const picky = { collection: () => ({ bulkWrite }) } as unknown as Db;
    const store = new RecordStore(picky, { writeDelayMs: 60_000 });
    const sales = store.write('sales', FORMAT, copies(['a'], 'v1'));
    const credit = store.write('credit', FORMAT, copies(['a', 'b'], 'v1'));
    await store.flush();
    await expect(sales).resolves.toBeUndefined();
    await expect(credit).rejects.toThrow('document refused');
  });

  it('rejects every write-back of a bulk write that fails, and every read of a find that fails', async () => {
    const broken = {
      collection: () => ({
        find: () => ({ toArray: () => Promise.reject(new Error('repository down')) }),
        bulkWrite: () => Promise.reject(new Error('repository down')),
      }),
    } as unknown as Db;
    const store = new RecordStore(broken, { writeDelayMs: 60_000 });
    const writes = [
      store.write('sales', FORMAT, copies(['a'], 'v1')),
      store.write('credit', FORMAT, copies(['a'], 'v1')),
    ];
    await store.flush();
    await expect(writes[0]).rejects.toThrow('repository down');
    await expect(writes[1]).rejects.toThrow('repository down');
    const reads = [store.read('sales', FORMAT, ['a']), store.read('credit', FORMAT, ['a'])];
    await expect(reads[0]).rejects.toThrow('repository down');
    await expect(reads[1]).rejects.toThrow('repository down');
  });
});
