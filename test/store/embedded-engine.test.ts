/**
 * Behaviour of the embedded server that the shared suite can't assert against real MongoDB
 * (timing of TTL removal, its explain shape for aggregate, its standalone-only answers), plus
 * query semantics that are easy to get wrong when answering from an index.
 */
import { BSON, type Collection, type Db, type Document, MongoClient } from 'mongodb';
import { type EmbeddedMongo, startEmbeddedMongo } from '../../store/embedded';
import { CURSOR_IDLE_MS, CursorRegistry } from '../../store/embedded/cursors';
import { eventually, serverError, type TestDoc } from '../helpers/embedded-suite';

const { Decimal128, Long } = BSON;

describe('the embedded server engine', () => {
  let server: EmbeddedMongo;
  let client: MongoClient;
  let db: Db;
  const commandsSeen: string[] = [];
  const coll = (name: string): Collection<TestDoc> => db.collection<TestDoc>(name);
  const examined = async (cursor: { explain(v: 'executionStats'): Promise<Document> }) =>
    ((await cursor.explain('executionStats')).executionStats as Document).totalDocsExamined as number;

  beforeAll(async () => {
    server = await startEmbeddedMongo({ memory: true, ttlSweepMs: 50 });
    client = await new MongoClient(server.uri, { compressors: ['zlib'], monitorCommands: true }).connect();
    client.on('commandStarted', (event) => commandsSeen.push(event.commandName));
    db = client.db('engine');
  });
  afterAll(async () => {
    await client.close();
    await server.close();
  });

  it('presents itself as a standalone MongoDB 7.0 and serves a client that asked for compression', async () => {
    const hello = await db.admin().command({ hello: 1 });
    expect(hello).toEqual(
      expect.objectContaining({ isWritablePrimary: true, maxWireVersion: 21, logicalSessionTimeoutMinutes: 30 }),
    );
    expect(hello.setName).toBeUndefined();
    expect(hello.compression).toBeUndefined();
    expect((await db.admin().buildInfo()).version).toBe('7.0.0');
  });

  it("answers the driver's countDocuments as a count: exact, and an unfiltered one examines no document", async () => {
    const c = coll('counted');
    await c.insertMany(Array.from({ length: 40 }, (_, i) => ({ _id: i, v: i })));
    await c.createIndex({ v: 1 });
    expect(await c.countDocuments({})).toBe(40);
    // Written by hand: v from 10 to 39 is 30 documents; skip 5 and limit 10 leave 10.
    expect(await c.countDocuments({ v: { $gte: 10 } })).toBe(30);
    expect(await c.countDocuments({ v: { $gte: 10 } }, { skip: 5, limit: 10 })).toBe(10);
    expect(await c.countDocuments({ v: { $gte: 100 } })).toBe(0);
    expect(await coll('never-written').countDocuments({})).toBe(0);
    // The pipeline countDocuments sends: the table count reads no document.
    const pipeline = [{ $match: {} }, { $group: { _id: 1, n: { $sum: 1 } } }];
    expect(await examined(c.aggregate(pipeline))).toBe(0);
    // A filtered count reads only the documents its index range selects.
    expect(await examined(c.aggregate([{ $match: { v: { $gte: 35 } } }, { $group: { _id: 1, n: { $sum: 1 } } }]))).toBe(
      5,
    );
    // Any other $group still runs as a pipeline.
    expect(await c.aggregate([{ $group: { _id: null, total: { $sum: '$v' } } }]).toArray()).toEqual([
      { _id: null, total: 780 },
    ]);
  });

  it('answers transactions with IllegalOperation, as a standalone MongoDB does', async () => {
    const session = client.startSession();
    try {
      session.startTransaction();
      const err = await serverError(coll('txn').insertOne({ _id: 1 }, { session }));
      expect([err.code, err.codeName]).toEqual([20, 'IllegalOperation']);
    } finally {
      await session.endSession();
    }
    expect((await serverError(db.admin().command({ commitTransaction: 1 }))).code).toBe(20);
  });

  it('compares int64 and decimal values as numbers in filters and sorts', async () => {
    const c = coll('numbers');
    await c.insertMany([
      { _id: 1, v: Long.fromNumber(9) },
      { _id: 2, v: Long.fromNumber(10) },
      { _id: 3, v: Decimal128.fromString('100.5') },
      { _id: 4, v: 50 },
    ]);
    expect(
      (
        await c
          .find({ v: { $gt: 9 } })
          .sort({ v: 1 })
          .toArray()
      ).map((d) => d._id),
    ).toEqual([2, 4, 3]);
    expect((await c.find({ v: 10 }).toArray()).map((d) => d._id)).toEqual([2]);
    await c.createIndex({ v: 1 });
    expect(
      (
        await c
          .find({ v: { $gte: 10, $lt: 100 } })
          .sort({ v: -1 })
          .toArray()
      ).map((d) => d._id),
    ).toEqual([4, 2]);
  });

  it('finds a document on a multikey index when different elements satisfy each bound', async () => {
    const c = coll('multikey');
    await c.createIndex({ a: 1 });
    await c.insertMany([
      { _id: 1, a: [1, 20] },
      { _id: 2, a: [7] },
      { _id: 3, a: [30] },
    ]);
    expect(
      (
        await c
          .find({ a: { $gt: 5, $lt: 10 } })
          .sort({ _id: 1 })
          .toArray()
      ).map((d) => d._id),
    ).toEqual([1, 2]);
    expect((await c.find({ a: { $elemMatch: { $gt: 5, $lt: 10 } } }).toArray()).map((d) => d._id)).toEqual([2]);
  });

  it('walks a descending compound index to sort and stops at the limit', async () => {
    const c = coll('scores');
    await c.createIndex({ score: -1, name: 1 });
    await c.insertMany(Array.from({ length: 500 }, (_, i) => ({ _id: i, score: i % 100, name: `n${i}` })));
    const top = c
      .find({ score: { $gte: 50 } })
      .sort({ score: -1 })
      .limit(3);
    expect((await top.toArray()).map((d) => d.score)).toEqual([99, 99, 99]);
    expect(
      await examined(
        c
          .find({ score: { $gte: 50 } })
          .sort({ score: -1 })
          .limit(3),
      ),
    ).toBe(3);
    expect(await examined(c.find({}).sort({ score: 1 }).limit(4))).toBe(4);
    expect((await c.find({}).sort({ score: 1 }).limit(4).toArray()).map((d) => d.score)).toEqual([0, 0, 0, 0]);
  });

  it('uses an index for an aggregate that begins with $match', async () => {
    const c = coll('aggidx');
    await c.insertMany(Array.from({ length: 2000 }, (_, i) => ({ _id: i, group: i % 3 })));
    const pipeline = [{ $match: { _id: { $in: [3, 4, 5, 1999] } } }, { $group: { _id: '$group', n: { $sum: 1 } } }];
    expect((await c.aggregate(pipeline).toArray()).sort((a, b) => a._id - b._id)).toEqual([
      { _id: 0, n: 1 },
      { _id: 1, n: 2 },
      { _id: 2, n: 1 },
    ]);
    expect(await examined(c.aggregate(pipeline))).toBe(4);
  });

  it('hides an expired document at once and the sweep then deletes it from storage', async () => {
    const own = client.db('engine_ttl'); // dbStats counts stored documents of this database only
    const c = own.collection<TestDoc>('sessions');
    await c.createIndex({ at: 1 }, { expireAfterSeconds: 60 });
    await c.insertMany([
      { _id: 'old', at: new Date(Date.now() - 120_000) },
      { _id: 'fresh', at: new Date() },
    ]);
    expect((await c.find().toArray()).map((d) => d._id)).toEqual(['fresh']);
    const stored = async () => (await own.command({ dbStats: 1 })).objects as number;
    expect(await eventually(async () => (await stored()) === 1, 5_000)).toBe(true);
    expect((await c.find().toArray()).map((d) => d._id)).toEqual(['fresh']);
  });

  it('lets a new document take the unique key of one that has expired', async () => {
    const c = coll('ttl_unique');
    await c.createIndex({ email: 1 }, { unique: true });
    await c.createIndex({ at: 1 }, { expireAfterSeconds: 1 });
    await c.insertOne({ email: 'a@x', at: new Date(0) });
    await c.insertOne({ email: 'a@x', at: new Date() });
    expect(await c.countDocuments({ email: 'a@x' })).toBe(1);
  });

  it('drops indexes by name and by key pattern but never the _id index', async () => {
    const c = coll('dropidx');
    await c.createIndexes([{ key: { a: 1 } }, { key: { b: -1 }, name: 'b_desc' }, { key: { c: 1 } }]);
    await c.dropIndex('a_1');
    await db.command({ dropIndexes: 'dropidx', index: { b: -1 } });
    expect((await c.indexes()).map((i) => i.name)).toEqual(['_id_', 'c_1']);
    expect((await serverError(c.dropIndex('_id_'))).code).toBe(72);
    expect((await serverError(c.dropIndex('nope'))).code).toBe(27);
    await c.dropIndexes();
    expect((await c.indexes()).map((i) => i.name)).toEqual(['_id_']);
    expect((await serverError(db.collection('never').indexes())).code).toBe(26);
  });

  it('refuses a unique index over existing duplicates and keeps no trace of it', async () => {
    const c = coll('dupbuild');
    await c.insertMany([{ k: 1 }, { k: 1 }]);
    expect((await serverError(c.createIndex({ k: 1 }, { unique: true }))).code).toBe(11000);
    expect((await c.indexes()).map((i) => i.name)).toEqual(['_id_']);
    await c.insertOne({ k: 1 });
    expect(await c.countDocuments({ k: 1 })).toBe(3);
  });

  it('renames a collection with its documents and indexes', async () => {
    await coll('from').createIndex({ x: 1 }, { unique: true });
    await coll('from').insertOne({ x: 1 });
    await coll('from').rename('to');
    expect(await coll('to').countDocuments()).toBe(1);
    expect((await coll('to').indexes()).map((i) => i.name)).toEqual(['_id_', 'x_1']);
    expect(await db.listCollections({ name: 'from' }).toArray()).toEqual([]);
  });

  it('re-creates a collection with identical options but not with different ones, as MongoDB 7 does', async () => {
    await db.createCollection('created', { capped: true, size: 4096 });
    await db.createCollection('created', { capped: true, size: 4096 });
    expect((await serverError(db.createCollection('created', { capped: true, size: 8192 }))).code).toBe(48);
  });

  it('rejects malformed updates with MongoDB error codes', async () => {
    const c = coll('badupdate');
    await c.insertOne({ _id: 1, a: 1 });
    const mixed = await db.command({ update: 'badupdate', updates: [{ q: {}, u: { $set: { a: 2 }, b: 1 } }] });
    expect(mixed.writeErrors[0]).toEqual(expect.objectContaining({ index: 0, code: 9 }));
    const unknownOperator = await db.command({
      update: 'badupdate',
      updates: [{ q: {}, u: { $frobnicate: { a: 2 } } }],
    });
    expect(unknownOperator.writeErrors[0]).toEqual(
      expect.objectContaining({ code: 9, errmsg: expect.stringContaining('Unknown modifier: $frobnicate') }),
    );
    expect(await c.findOne({ _id: 1 })).toEqual({ _id: 1, a: 1 });
  });

  describe('a refused statement of a write batch', () => {
    // Inserts, single updates and deletes into an existing collection run without a savepoint of
    // their own: everything that can refuse them is checked before they write. These say so.
    it('leaves nothing of a refused insert: not its _id, not its index keys', async () => {
      const c = coll('batchinsert');
      // The non-unique index first: a refusal found at the second index must undo nothing of the first.
      await c.createIndex({ tags: 1 });
      await c.createIndex({ email: 1 }, { unique: true });
      await c.insertOne({ _id: 1, email: 'a@x', tags: 't' });
      const reply = await db.command({
        insert: 'batchinsert',
        documents: [
          { _id: 2, email: 'b@x', tags: 'u' },
          { _id: 3, email: 'a@x', tags: 'v' },
          { _id: 4, email: 'c@x', tags: 'w' },
        ],
        ordered: false,
      });
      expect(reply.n).toBe(2);
      expect(reply.writeErrors).toEqual([expect.objectContaining({ index: 1, code: 11000 })]);
      expect((await c.find({}, { sort: { _id: 1 } }).toArray()).map((d) => d._id)).toEqual([1, 2, 4]);
      // Counted from the tags index's own entries (it is not multikey): a key left by _id 3 would count.
      const counted = (tag: string) => db.command({ count: 'batchinsert', query: { tags: tag } });
      expect(await counted('v')).toEqual(expect.objectContaining({ n: 0 }));
      // Its _id is free, and so is the e-mail once the document that holds it is gone: no key of
      // the refused document is left to collide.
      await c.insertOne({ _id: 3, email: 'd@x', tags: 'x' });
      await c.deleteOne({ _id: 1 });
      await c.insertOne({ _id: 5, email: 'a@x', tags: 'y' });
      expect(await c.countDocuments({ email: 'a@x' })).toBe(1);
    });

    it('does not leave an index multikey when the document whose array would have made it so is refused', async () => {
      const c = coll('batchmultikey');
      await c.createIndex({ tags: 1 });
      await c.createIndex({ email: 1 }, { unique: true });
      await c.insertMany([
        { _id: 1, email: 'a@x', tags: 'b' },
        { _id: 2, email: 'b@x', tags: 'a' },
      ]);
      expect((await serverError(c.insertOne({ _id: 3, email: 'a@x', tags: ['x', 'y'] }))).code).toBe(11000);
      // The plan of a range on tags sorted by tags: over a multikey index it needs a SORT stage.
      const sortedByTags = async () => {
        const explained = await c
          .find({ tags: { $gt: '' } })
          .sort({ tags: 1 })
          .explain('queryPlanner');
        return (explained.queryPlanner as Document).winningPlan as Document;
      };
      // Still not multikey, so the index still gives the sort order: no SORT stage over it.
      expect(await sortedByTags()).toEqual(
        expect.objectContaining({ stage: 'FETCH', inputStage: expect.objectContaining({ isMultiKey: false }) }),
      );
      // A refused replacement neither.
      expect((await serverError(c.replaceOne({ _id: 2 }, { email: 'a@x', tags: ['z'] }))).code).toBe(11000);
      expect(await sortedByTags()).toEqual(
        expect.objectContaining({ inputStage: expect.objectContaining({ isMultiKey: false }) }),
      );
      // A document written with an array does make it multikey.
      await c.insertOne({ _id: 4, email: 'd@x', tags: ['x', 'y'] });
      expect(await sortedByTags()).toEqual(expect.objectContaining({ stage: 'SORT' }));
    });

    it('leaves a document as it was when its replacement or update is refused', async () => {
      const c = coll('batchreplace');
      await c.createIndex({ email: 1 }, { unique: true });
      await c.insertMany([
        { _id: 1, email: 'a@x', n: 1 },
        { _id: 2, email: 'b@x', n: 2 },
      ]);
      const reply = await db.command({
        update: 'batchreplace',
        updates: [
          { q: { _id: 2 }, u: { email: 'a@x', n: 20 } },
          { q: { _id: 2 }, u: { $set: { email: 'a@x', n: 21 } } },
          { q: { _id: 1 }, u: { $set: { n: 10 } } },
        ],
        ordered: false,
      });
      expect(reply.writeErrors).toEqual([
        expect.objectContaining({ index: 0, code: 11000 }),
        expect.objectContaining({ index: 1, code: 11000 }),
      ]);
      expect(await c.findOne({ _id: 2 })).toEqual({ _id: 2, email: 'b@x', n: 2 });
      expect(await c.findOne({ email: 'b@x' })).toEqual({ _id: 2, email: 'b@x', n: 2 });
      expect(await c.findOne({ _id: 1 })).toEqual({ _id: 1, email: 'a@x', n: 10 });
    });

    // These two keep their savepoint: they can be refused after they have written.
    it('undoes all of a multi update refused at its second document', async () => {
      const c = coll('batchmulti');
      await c.createIndex({ email: 1 }, { unique: true });
      await c.insertMany([
        { _id: 1, email: 'a@x' },
        { _id: 2, email: 'b@x' },
      ]);
      const refused = await serverError(c.updateMany({}, { $set: { email: 'same@x' } }));
      expect(refused.code).toBe(11000);
      expect(await c.find({}, { sort: { _id: 1 } }).toArray()).toEqual([
        { _id: 1, email: 'a@x' },
        { _id: 2, email: 'b@x' },
      ]);
    });

    it('does not leave behind the collection an upsert created before its update was refused', async () => {
      const reply = await db.command({
        update: 'batchupsertnew',
        updates: [{ q: { _id: 1 }, u: { $inc: { n: 'not a number' } }, upsert: true }],
      });
      // BadValue, as MongoDB answers a non-numeric $inc.
      expect(reply.writeErrors).toEqual([expect.objectContaining({ index: 0, code: 2 })]);
      expect(await db.listCollections({ name: 'batchupsertnew' }).toArray()).toEqual([]);
    });
  });

  it('closes a cursor left idle for ten minutes, as MongoDB does', () => {
    const cursors = new CursorRegistry();
    const first = cursors.open('engine.idle', [{ a: 1 }, { a: 2 }, { a: 3 }], 1);
    expect(first.id.isZero()).toBe(false);
    cursors.reapIdle(Date.now() + CURSOR_IDLE_MS - 1_000);
    expect(cursors.getMore(first.id, 1).docs).toEqual([{ a: 2 }]);
    cursors.reapIdle(Date.now() + CURSOR_IDLE_MS + 1_000);
    expect(() => cursors.getMore(first.id, 1)).toThrow(`cursor id ${first.id.toString()} not found`);
  });

  it('closes cleanly while a client still has a cursor open', async () => {
    const own = await startEmbeddedMongo({ memory: true });
    const ownClient = await new MongoClient(own.uri).connect();
    const c = ownClient.db('lifecycle').collection<TestDoc>('items');
    await c.insertMany([{ _id: 1 }, { _id: 2 }, { _id: 3 }]);
    const cursor = c.find().batchSize(1);
    expect(await cursor.next()).toEqual({ _id: 1 });
    await expect(own.close()).resolves.toBeUndefined();
    await ownClient.close(true);
  });

  it('returns large documents intact, splitting batches at the 16 MiB reply budget', async () => {
    const c = coll('large');
    const payload = (i: number) => String(i).repeat(6 * 1024 * 1024);
    await c.insertMany([0, 1, 2].map((i) => ({ _id: i, payload: payload(i) })));
    const getMores = () => commandsSeen.filter((n) => n === 'getMore').length;
    const before = getMores();
    const docs = await c.find().sort({ _id: 1 }).toArray();
    expect(docs.map((d) => [d._id, d.payload === payload(d._id as number)])).toEqual([
      [0, true],
      [1, true],
      [2, true],
    ]);
    expect(getMores() - before).toBeGreaterThanOrEqual(1);
  });
});
