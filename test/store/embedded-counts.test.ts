/**
 * The embedded server counting one string equality from an index's entries (a snapshot run's
 * `countDocuments({ runId })`), and falling back to reading documents wherever entries and
 * documents are not one to one. Every count is checked against the documents a find returns.
 */
import { type Collection, type Filter, MongoClient } from 'mongodb';
import { type EmbeddedMongo, startEmbeddedMongo } from '../../store/embedded';

interface Row {
  _id: number;
  runId?: string | number | null;
  tags?: string[];
  expiresAt?: Date;
}

describe('the embedded server counting by index', () => {
  let server: EmbeddedMongo;
  let client: MongoClient;

  beforeAll(async () => {
    server = await startEmbeddedMongo({ memory: true });
    client = await new MongoClient(server.uri).connect();
  });
  afterAll(async () => {
    await client.close();
    await server.close();
  });

  /** The count, and what a find of the same filter returns: they must agree. */
  async function both(c: Collection<Row>, filter: Filter<Row>) {
    return [await c.countDocuments(filter), (await c.find(filter).toArray()).length];
  }

  it('counts exactly the documents holding the value, never those whose value merely starts with it', async () => {
    const c = client.db('counts').collection<Row>('runs');
    await c.createIndex({ runId: 1 });
    const values: Array<string | number | null | undefined> = [
      'r1',
      'r1',
      'r10',
      'r',
      'R1',
      'r1\u0000',
      1,
      null,
      undefined,
    ];
    await c.insertMany(values.map((runId, i) => (runId === undefined ? { _id: i } : { _id: i, runId })));
    expect(await both(c, { runId: 'r1' })).toEqual([2, 2]);
    expect(await both(c, { runId: 'r' })).toEqual([1, 1]);
    expect(await both(c, { runId: 'missing' })).toEqual([0, 0]);
    expect(await c.countDocuments({ runId: 'r1' }, { skip: 1 })).toBe(1);
    expect(await c.countDocuments({ runId: 'r1' }, { limit: 1 })).toBe(1);
    expect(await c.countDocuments({ runId: 'r1' }, { skip: 5 })).toBe(0);

    await c.updateOne({ _id: 0 }, { $set: { runId: 'r10' } });
    await c.deleteOne({ _id: 1 });
    expect(await both(c, { runId: 'r1' })).toEqual([0, 0]);
    expect(await both(c, { runId: 'r10' })).toEqual([2, 2]);
  });

  it('counts by the leading field of a compound index', async () => {
    const c = client.db('counts').collection<Row>('compound');
    await c.createIndex({ runId: 1, _id: 1 });
    await c.insertMany([1, 2, 3, 4].map((i) => ({ _id: i, runId: i % 2 === 0 ? 'even' : 'odd' })));
    expect(await both(c, { runId: 'even' })).toEqual([2, 2]);
  });

  it('reads documents instead when one document has several entries (a multikey index)', async () => {
    const c = client.db('counts').collection<Row>('tags');
    await c.createIndex({ tags: 1 });
    await c.insertMany([
      { _id: 1, tags: ['a', 'b'] },
      { _id: 2, tags: ['a'] },
      { _id: 3, tags: ['b', 'b'] },
    ]);
    expect(await both(c, { tags: 'a' })).toEqual([2, 2]);
    expect(await both(c, { tags: 'b' })).toEqual([2, 2]);
  });

  it('leaves out expired documents, which a TTL index hides though their entries are there', async () => {
    const c = client.db('counts').collection<Row>('expiring');
    await c.createIndex({ runId: 1 });
    await c.createIndex({ expiresAt: 1 }, { expireAfterSeconds: 0 });
    await c.insertMany([
      { _id: 1, runId: 'r', expiresAt: new Date(Date.now() - 60_000) },
      { _id: 2, runId: 'r', expiresAt: new Date(Date.now() + 3_600_000) },
    ]);
    expect(await both(c, { runId: 'r' })).toEqual([1, 1]);
  });

  it('counts a sparse index by its documents: one without the field is not in it', async () => {
    const c = client.db('counts').collection<Row>('sparse');
    await c.createIndex({ runId: 1 }, { sparse: true });
    await c.insertMany([{ _id: 1, runId: 'r' }, { _id: 2 }, { _id: 3, runId: 'r' }]);
    expect(await both(c, { runId: 'r' })).toEqual([2, 2]);
  });
});
