/**
 * The store's MongoDB contract as one suite, run against every subject: the embedded server and,
 * when MONGODB_URI is set, a real MongoDB. Everything goes through the official driver, and
 * every assertion must hold on real MongoDB too (embedded-only checks live in their own files).
 */
import { randomUUID } from 'node:crypto';
import {
  Binary,
  type Collection,
  type Db,
  Decimal128,
  type Document,
  Long,
  MongoClient,
  MongoServerError,
  ObjectId,
} from 'mongodb';

/** Test documents use numbers and strings as `_id` too. */
export interface TestDoc extends Document {
  _id?: string | number | ObjectId;
}

/** A server to run the suite against. */
export interface MongoSubject {
  uri: string;
  /** How long the server may take to remove an expired TTL document (MongoDB's monitor runs every 60 s). */
  ttlDeadlineMs: number;
  close(): Promise<void>;
}

/** Polls `check` until it returns true or `deadlineMs` passes; returns the last answer. */
export async function eventually(check: () => Promise<boolean>, deadlineMs: number, everyMs = 50): Promise<boolean> {
  const end = Date.now() + deadlineMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Rejection of a promise as a MongoServerError (fails the test if it resolves or fails otherwise). */
export async function serverError(promise: Promise<unknown>): Promise<MongoServerError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof MongoServerError) return err;
    throw err;
  }
  throw new Error('expected the server to reject the operation, but it succeeded');
}

/** Defines the suite for one subject. */
export function defineMongoSuite(name: string, connect: () => Promise<MongoSubject>): void {
  describe(name, () => {
    let subject: MongoSubject;
    let client: MongoClient;
    let db: Db;
    const commands: string[] = [];
    const coll = (suffix: string): Collection<TestDoc> => db.collection<TestDoc>(`c_${suffix}`);

    beforeAll(async () => {
      subject = await connect();
      client = new MongoClient(subject.uri, { monitorCommands: true, serverSelectionTimeoutMS: 5_000 });
      client.on('commandSucceeded', (event) => commands.push(event.commandName));
      await client.connect();
      db = client.db(`sb_test_${randomUUID().slice(0, 8)}`);
    });

    afterAll(async () => {
      await db?.dropDatabase();
      await client?.close();
      await subject?.close();
    });

    it('answers the handshake and ping as a writable primary', async () => {
      const hello = await db.admin().command({ hello: 1 });
      expect(hello.isWritablePrimary).toBe(true);
      expect(hello.maxWireVersion).toBeGreaterThanOrEqual(17);
      expect(hello.maxBsonObjectSize).toBe(16 * 1024 * 1024);
      expect(await db.command({ ping: 1 })).toEqual(expect.objectContaining({ ok: 1 }));
    });

    it('finds with a filter, sort, projection, skip and limit', async () => {
      const c = coll('find');
      await c.insertMany(
        Array.from({ length: 20 }, (_, i) => ({
          _id: i,
          n: i % 5,
          name: `p${String(i).padStart(2, '0')}`,
          secret: true,
        })),
      );
      const docs = await c
        .find({ n: { $gte: 3 } })
        .sort({ name: -1 })
        .project({ name: 1, _id: 0 })
        .skip(2)
        .limit(3)
        .toArray();
      expect(docs).toEqual([{ name: 'p14' }, { name: 'p13' }, { name: 'p09' }]);
      expect(await c.findOne({ _id: 7 }, { projection: { secret: 0 } })).toEqual({ _id: 7, n: 2, name: 'p07' });
      expect(await c.find({ n: 9 }).toArray()).toEqual([]);
    });

    it('pages through 250 documents with getMore when the batch size is 100', async () => {
      const c = coll('getmore');
      await c.insertMany(Array.from({ length: 250 }, (_, i) => ({ _id: i })));
      const before = commands.filter((n) => n === 'getMore').length;
      const ids = (await c.find({}).sort({ _id: 1 }).batchSize(100).toArray()).map((d) => d._id);
      expect(ids).toEqual(Array.from({ length: 250 }, (_, i) => i));
      expect(commands.filter((n) => n === 'getMore').length - before).toBeGreaterThanOrEqual(2);
    });

    it('kills a cursor that is closed early, after which getMore on it fails', async () => {
      const c = coll('kill');
      await c.insertMany(Array.from({ length: 50 }, (_, i) => ({ _id: i })));
      const cursor = c.find({}).batchSize(10);
      await cursor.next();
      const id = cursor.id as Long;
      expect(id.isZero()).toBe(false);
      const killsBefore = commands.filter((n) => n === 'killCursors').length;
      await cursor.close();
      expect(commands.filter((n) => n === 'killCursors').length).toBe(killsBefore + 1);
      const err = await serverError(db.command({ getMore: id, collection: c.collectionName }));
      expect(err.code).toBe(43);
    });

    it('updates with operators and upserts, reporting matched, modified and upserted', async () => {
      const c = coll('update');
      await c.insertMany([
        { _id: 1, n: 1, tags: ['a'] },
        { _id: 2, n: 2, tags: [] },
        { _id: 3, n: 3 },
      ]);
      const one = await c.updateOne(
        { _id: 1 },
        { $inc: { n: 10 }, $push: { tags: 'b' } as Document, $set: { 'meta.seen': true } },
      );
      expect([one.matchedCount, one.modifiedCount]).toEqual([1, 1]);
      const many = await c.updateMany({ n: { $lte: 3 } }, { $set: { small: true } });
      expect([many.matchedCount, many.modifiedCount]).toEqual([2, 2]);
      const noop = await c.updateOne({ _id: 2 }, { $set: { small: true } });
      expect([noop.matchedCount, noop.modifiedCount]).toEqual([1, 0]);
      const up = await c.updateOne(
        { email: 'x@y.z' },
        { $set: { n: 0 }, $setOnInsert: { created: true } },
        { upsert: true },
      );
      expect(up.upsertedCount).toBe(1);
      expect(await c.findOne({ _id: up.upsertedId as ObjectId })).toEqual({
        _id: up.upsertedId,
        email: 'x@y.z',
        n: 0,
        created: true,
      });
      expect(await c.findOne({ _id: 1 })).toEqual({ _id: 1, n: 11, tags: ['a', 'b'], meta: { seen: true } });
      const err = await serverError(c.updateOne({ _id: 3 }, { $set: { _id: 4 } }));
      expect(err.code).toBe(66);
    });

    it('replaces a document but keeps its _id', async () => {
      const c = coll('replace');
      await c.insertOne({ _id: 'r1', a: 1, b: 2 });
      const res = await c.replaceOne({ _id: 'r1' }, { c: 3 });
      expect([res.matchedCount, res.modifiedCount]).toEqual([1, 1]);
      expect(await c.findOne({ _id: 'r1' })).toEqual({ _id: 'r1', c: 3 });
      const upserted = await c.replaceOne({ _id: 'r2' }, { d: 4 }, { upsert: true });
      expect(upserted.upsertedId).toBe('r2');
    });

    it('deletes one or many documents and reports how many', async () => {
      const c = coll('delete');
      await c.insertMany(Array.from({ length: 10 }, (_, i) => ({ _id: i, even: i % 2 === 0 })));
      expect((await c.deleteOne({ even: true })).deletedCount).toBe(1);
      expect((await c.deleteMany({ even: true })).deletedCount).toBe(4);
      expect((await c.deleteMany({ even: true })).deletedCount).toBe(0);
      expect(await c.countDocuments()).toBe(5);
    });

    it('finds and updates atomically, returning the document before or after, with upsert', async () => {
      const c = coll('fam');
      await c.insertMany([
        { _id: 1, v: 1, rank: 2 },
        { _id: 2, v: 1, rank: 1 },
      ]);
      const after = await c.findOneAndUpdate(
        { v: 1 },
        { $inc: { v: 1 } },
        { sort: { rank: 1 }, returnDocument: 'after' },
      );
      expect(after).toEqual({ _id: 2, v: 2, rank: 1 });
      const before = await c.findOneAndUpdate(
        { _id: 1 },
        { $set: { v: 5 } },
        { returnDocument: 'before', projection: { v: 1 } },
      );
      expect(before).toEqual({ _id: 1, v: 1 });
      const created = await c.findOneAndUpdate(
        { _id: 3 },
        { $set: { v: 9 } },
        { upsert: true, returnDocument: 'after' },
      );
      expect(created).toEqual({ _id: 3, v: 9 });
      expect(await c.findOneAndUpdate({ _id: 99 }, { $set: { v: 1 } })).toBeNull();
      expect(await c.findOneAndDelete({ _id: 3 })).toEqual({ _id: 3, v: 9 });
      expect(await c.countDocuments()).toBe(2);
    });

    it('writes cache entries back with a bulk of upserts', async () => {
      const c = coll('bulk');
      const entries = (v: number) =>
        Array.from({ length: 5 }, (_, i) => ({
          updateOne: {
            filter: { _id: `k${i}` },
            update: { $set: { value: v }, $setOnInsert: { createdAt: new Date(0) } },
            upsert: true,
          },
        }));
      const first = await c.bulkWrite(entries(1), { ordered: false });
      expect([first.upsertedCount, first.matchedCount]).toEqual([5, 0]);
      expect(Object.values(first.upsertedIds).sort()).toEqual(['k0', 'k1', 'k2', 'k3', 'k4']);
      const second = await c.bulkWrite([
        ...entries(2),
        { deleteOne: { filter: { _id: 'k4' } } },
        { insertOne: { document: { _id: 'k9', value: 0 } } },
      ]);
      expect([
        second.upsertedCount,
        second.matchedCount,
        second.modifiedCount,
        second.deletedCount,
        second.insertedCount,
      ]).toEqual([0, 5, 5, 1, 1]);
      expect(await c.findOne({ _id: 'k0' })).toEqual({ _id: 'k0', value: 2, createdAt: new Date(0) });
    });

    it('aggregates with $match, $group, $sort and $limit', async () => {
      const c = coll('agg');
      await c.insertMany([
        { dept: 'sales', amount: 5 },
        { dept: 'sales', amount: 7 },
        { dept: 'support', amount: 1 },
        { dept: 'credit', amount: 20 },
        { dept: 'credit', amount: 2 },
        { dept: 'sales', amount: -1 },
      ]);
      const result = await c
        .aggregate([
          { $match: { amount: { $gt: 0 } } },
          { $group: { _id: '$dept', total: { $sum: '$amount' }, n: { $sum: 1 } } },
          { $sort: { total: -1 } },
          { $limit: 2 },
        ])
        .toArray();
      expect(result).toEqual([
        { _id: 'credit', total: 22, n: 2 },
        { _id: 'sales', total: 12, n: 2 },
      ]);
    });

    it('counts documents exactly and estimates the collection size', async () => {
      const c = coll('count');
      await c.insertMany(Array.from({ length: 30 }, (_, i) => ({ i })));
      expect(await c.countDocuments({ i: { $lt: 10 } })).toBe(10);
      expect(await c.countDocuments({}, { skip: 5, limit: 10 })).toBe(10);
      expect(await c.estimatedDocumentCount()).toBe(30);
      expect(await db.collection('c_missing').estimatedDocumentCount()).toBe(0);
    });

    it('returns distinct values, counting array elements one by one', async () => {
      const c = coll('distinct');
      await c.insertMany([{ tags: ['a', 'b'], k: 1 }, { tags: 'c', k: 1 }, { tags: ['b'], k: 2 }, { k: 1 }]);
      expect((await c.distinct('tags')).sort()).toEqual(['a', 'b', 'c']);
      expect((await c.distinct('tags', { k: 1 })).sort()).toEqual(['a', 'b', 'c']);
      expect(await c.distinct('k', { k: { $gt: 1 } })).toEqual([2]);
    });

    it('enforces a unique index with duplicate key error 11000 naming the index', async () => {
      const c = coll('unique');
      expect(await c.createIndex({ email: 1 }, { unique: true })).toBe('email_1');
      expect(await c.createIndex({ email: 1 }, { unique: true })).toBe('email_1');
      await c.insertOne({ email: 'a@example.com' });
      const err = await serverError(c.insertOne({ email: 'a@example.com' }));
      expect(err.code).toBe(11000);
      expect(err.message).toContain('email_1');
      const bulk = await serverError(
        c.insertMany([{ email: 'b@x' }, { email: 'a@example.com' }, { email: 'c@x' }], { ordered: false }),
      );
      expect(bulk.code).toBe(11000);
      expect(await c.countDocuments()).toBe(3);
      const upd = await serverError(c.updateOne({ email: 'b@x' }, { $set: { email: 'c@x' } }));
      expect(upd.code).toBe(11000);
      expect((await c.indexes()).map((i) => i.name).sort()).toEqual(['_id_', 'email_1']);
    });

    it('indexes two fields of the same array of sub-documents, but refuses parallel arrays', async () => {
      const c = coll('multikey_compound');
      await c.createIndex({ 'links.system': 1, 'links.key': 1 });
      await c.insertOne({
        _id: 'x',
        links: [
          { system: 'sales', key: 'c-1' },
          { system: 'support', key: 'a@x.com' },
        ],
      });
      expect(await c.countDocuments({ links: { $elemMatch: { system: 'sales', key: 'c-1' } } })).toBe(1);
      const parallel = coll('parallel');
      await parallel.createIndex({ a: 1, b: 1 });
      const err = await serverError(parallel.insertOne({ a: [1, 2], b: [3, 4] }));
      expect(err.code).toBe(171);
    });

    it('lists collections and forgets a dropped one', async () => {
      await coll('list_a').insertOne({ x: 1 });
      await db.createCollection('c_list_b');
      const names = (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name);
      expect(names).toEqual(expect.arrayContaining(['c_list_a', 'c_list_b']));
      expect((await db.listCollections({ name: 'c_list_b' }).toArray()).map((c) => c.name)).toEqual(['c_list_b']);
      await coll('list_a').drop();
      const after = (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name);
      expect(after).not.toContain('c_list_a');
      expect(await coll('list_a').countDocuments()).toBe(0);
    });

    it('round-trips BSON types exactly', async () => {
      const c = coll('types');
      const doc = {
        _id: new ObjectId(),
        when: new Date('2024-02-29T12:34:56.789Z'),
        ref: new ObjectId(),
        nested: [[1, 2], [{ deep: ['x', null] }], []],
        long: Long.fromString('9007199254740993'),
        dec: Decimal128.fromString('12345.6789'),
        bin: new Binary(Buffer.from([0, 1, 2, 255]), 4),
        flag: false,
        nothing: null,
        sub: { a: { b: { c: 1.5 } } },
      };
      await c.insertOne(doc);
      const back = await c.findOne({ _id: doc._id }, { promoteLongs: false });
      expect(back).toEqual(doc);
      expect(back?.long).toBeInstanceOf(Long);
      expect(back?.ref).toBeInstanceOf(ObjectId);
      expect(back?.when).toBeInstanceOf(Date);
      expect(await c.countDocuments({ ref: doc.ref, when: { $gte: new Date('2024-01-01') } })).toBe(1);
    });

    it('removes a document once its TTL index says it has expired', async () => {
      const c = coll('ttl');
      await c.createIndex({ at: 1 }, { expireAfterSeconds: 1 });
      await c.insertMany([
        { _id: 'expiring', at: new Date() },
        { _id: 'not-a-date', at: 'yesterday' },
      ]);
      expect(await c.countDocuments({ _id: 'expiring' })).toBe(1);
      const gone = await eventually(
        async () => (await c.countDocuments({ _id: 'expiring' })) === 0,
        subject.ttlDeadlineMs,
        200,
      );
      expect(gone).toBe(true);
      expect(await c.countDocuments({ _id: 'not-a-date' })).toBe(1);
    }, 180_000);

    it('rejects an unknown command with CommandNotFound and keeps the connection usable', async () => {
      const single = await new MongoClient(subject.uri, { maxPoolSize: 1 }).connect();
      try {
        const err = await serverError(single.db(db.databaseName).command({ fooBar: 1 }));
        expect(err.code).toBe(59);
        expect(err.codeName).toBe('CommandNotFound');
        expect(err.message).toBe("no such command: 'fooBar'");
        expect(await single.db(db.databaseName).command({ ping: 1 })).toEqual(expect.objectContaining({ ok: 1 }));
      } finally {
        await single.close();
      }
    });

    describe('with 20,000 documents', () => {
      const N = 20_000;
      let c: Collection<TestDoc>;
      const examined = async (cursor: { explain(v: 'executionStats'): Promise<Document> }) =>
        (await cursor.explain('executionStats')).executionStats as Document;

      beforeAll(async () => {
        c = coll('big');
        await c.createIndex({ phones: 1 });
        await c.insertMany(
          Array.from({ length: N }, (_, i) => ({
            _id: i,
            seq: i,
            phones: [`+1415555${String(i).padStart(4, '0')}`, `+4420${i}`],
          })),
        );
      }, 120_000);

      it('looks up three _ids with $in by reading three documents', async () => {
        const stats = await examined(c.find({ _id: { $in: [17, 4242, 19999] } }));
        expect(stats.nReturned).toBe(3);
        expect(stats.totalDocsExamined).toBeLessThanOrEqual(3);
      });

      it('pages by _id range with sort and limit reading only the page', async () => {
        const page = await c
          .find({ _id: { $gt: 5000 } })
          .sort({ _id: 1 })
          .limit(101)
          .toArray();
        expect(page.map((d) => d._id)).toEqual(Array.from({ length: 101 }, (_, i) => 5001 + i));
        const stats = await examined(
          c
            .find({ _id: { $gt: 5000 } })
            .sort({ _id: 1 })
            .limit(101),
        );
        expect(stats.totalDocsExamined).toBeLessThanOrEqual(101);
        const back = await c
          .find({ _id: { $lt: 300 } })
          .sort({ _id: -1 })
          .limit(3)
          .toArray();
        expect(back.map((d) => d._id)).toEqual([299, 298, 297]);
      });

      it('finds a phone number through the multikey index without scanning', async () => {
        const found = await c.find({ phones: '+14155550132' }).toArray();
        expect(found.map((d) => d._id)).toEqual([132]);
        expect((await examined(c.find({ phones: '+14155550132' }))).totalDocsExamined).toBe(1);
      });

      it('scans every document for a field without an index', async () => {
        const stats = await examined(c.find({ seq: 7 }));
        expect(stats.nReturned).toBe(1);
        expect(stats.totalDocsExamined).toBe(N);
      });
    });
  });
}
