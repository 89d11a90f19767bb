/**
 * The embedded server answering look-ups by string id (`{ _id: "..." }`, `{ _id: { $in: [...] } }`)
 * by key, without a query engine, as the hub's cached-record batches and upserts need, and
 * keeping MongoDB's answers for every id that is not a plain string. (A collation on `_id`
 * equality is not honoured by the embedded server, before this fast path as after it.)
 */
import { type Collection, MongoClient, ObjectId } from 'mongodb';
import { type EmbeddedMongo, startEmbeddedMongo } from '../../store/embedded';

interface Row {
  _id: string | number | ObjectId;
  n: number;
}

describe('the embedded server looking documents up by id', () => {
  let server: EmbeddedMongo;
  let client: MongoClient;
  let c: Collection<Row>;
  const oid = new ObjectId();

  beforeAll(async () => {
    server = await startEmbeddedMongo({ memory: true });
    client = await new MongoClient(server.uri).connect();
    c = client.db('ids').collection<Row>('rows');
    await c.insertMany([
      { _id: 'a', n: 1 },
      { _id: 'ab', n: 2 },
      { _id: 'abc', n: 3 },
      { _id: 'A', n: 4 },
      { _id: 'a\u0000b', n: 5 },
      { _id: 7, n: 6 },
      { _id: oid, n: 7 },
    ]);
  });
  afterAll(async () => {
    await client.close();
    await server.close();
  });

  const ns = async (filter: Parameters<Collection<Row>['find']>[0]) =>
    (await c.find(filter).toArray()).map((row) => row.n).sort((x, y) => x - y);

  it('finds exactly the ids asked for, never one that merely starts with one of them', async () => {
    expect(await ns({ _id: 'a' })).toEqual([1]);
    expect(await ns({ _id: 'ab' })).toEqual([2]);
    expect(await ns({ _id: 'a\u0000b' })).toEqual([5]);
    expect(await ns({ _id: { $in: ['a', 'abc', 'missing', 'a'] } })).toEqual([1, 3]);
    expect(await ns({ _id: { $in: [] } })).toEqual([]);
  });

  it('examines only the documents it returns', async () => {
    const explained = await c.find({ _id: { $in: ['ab', 'abc', 'zz'] } }).explain('executionStats');
    expect([explained.executionStats.nReturned, explained.executionStats.totalDocsExamined]).toEqual([2, 2]);
  });

  it('answers ids of other types, mixed lists, patterns and further conditions through the query engine', async () => {
    expect(await ns({ _id: 7 })).toEqual([6]);
    expect(await ns({ _id: oid })).toEqual([7]);
    expect(await ns({ _id: { $in: ['a', 7, oid] } })).toEqual([1, 6, 7]);
    expect(await ns({ _id: { $in: [/^ab/] } })).toEqual([2, 3]);
    expect(await ns({ _id: 'a', n: 2 })).toEqual([]);
  });

  it('updates and replaces by string id, upserting the missing', async () => {
    await c.bulkWrite(
      [
        { replaceOne: { filter: { _id: 'ab' }, replacement: { n: 20 }, upsert: true } },
        { replaceOne: { filter: { _id: 'new' }, replacement: { n: 30 }, upsert: true } },
        { updateOne: { filter: { _id: 'abc' }, update: { $set: { n: 40 } } } },
      ],
      { ordered: false },
    );
    expect(await ns({ _id: { $in: ['a', 'ab', 'abc', 'new'] } })).toEqual([1, 20, 30, 40]);
  });
});
