/**
 * The embedded server answering a sort on several fields from a compound index, as the
 * snapshots' keyset pages need: `{ figure: dir, _id: dir }` on `{ figure: 1, _id: 1 }`.
 */
import { type Collection, type Document, MongoClient } from 'mongodb';
import { type EmbeddedMongo, startEmbeddedMongo } from '../../store/embedded';

interface Row {
  _id: string;
  v?: number | null;
}

describe('the embedded server planning sorts on a compound index', () => {
  let server: EmbeddedMongo;
  let client: MongoClient;
  let c: Collection<Row>;
  const stats = async (cursor: { explain(v: 'executionStats'): Promise<Document> }) => {
    const explained = await cursor.explain('executionStats');
    const plan = JSON.stringify(explained.queryPlanner.winningPlan);
    return {
      sorted: plan.includes('"stage":"SORT"'),
      index: /"indexName":"([^"]+)"/.exec(plan)?.[1] ?? null,
      examined: explained.executionStats.totalDocsExamined as number,
    };
  };

  beforeAll(async () => {
    server = await startEmbeddedMongo({ memory: true });
    client = await new MongoClient(server.uri).connect();
    c = client.db('planner').collection<Row>('rows');
    await c.createIndex({ v: 1, _id: 1 }, { name: 'v_id' });
    // Ties on v, some nulls and some documents without v.
    const rows: Row[] = Array.from({ length: 300 }, (_, i) => {
      const id = `r${String(i).padStart(3, '0')}`;
      if (i % 10 === 0) return { _id: id, v: null };
      if (i % 10 === 1) return { _id: id };
      return { _id: id, v: i % 7 };
    });
    await c.insertMany(rows);
  });
  afterAll(async () => {
    await client.close();
    await server.close();
  });

  it('walks the index backwards for a descending sort on both its fields and stops at the limit', async () => {
    const cursor = () =>
      c
        .find({ v: { $gte: -Infinity } })
        .sort({ v: -1, _id: -1 })
        .limit(5);
    expect((await cursor().toArray()).map((r) => [r.v, r._id])).toEqual([
      [6, 'r293'],
      [6, 'r286'],
      [6, 'r279'],
      [6, 'r272'],
      [6, 'r265'],
    ]);
    expect(await stats(cursor())).toEqual({ sorted: false, index: 'v_id', examined: 5 });
  });

  it('answers the nulls of one field in hub-id order from the same index', async () => {
    const cursor = () =>
      c
        .find({ v: null, _id: { $gt: 'r011' } })
        .sort({ v: 1, _id: 1 })
        .limit(3);
    expect((await cursor().toArray()).map((r) => r._id)).toEqual(['r020', 'r021', 'r030']);
    const { sorted, index } = await stats(cursor());
    expect({ sorted, index }).toEqual({ sorted: false, index: 'v_id' });
  });

  it('still sorts in memory, and right, when the directions disagree with the index', async () => {
    const cursor = () =>
      c
        .find({ v: { $gte: 5 } })
        .sort({ v: -1, _id: 1 })
        .limit(2);
    expect((await cursor().toArray()).map((r) => r._id)).toEqual(['r006', 'r013']);
    expect((await stats(cursor())).sorted).toBe(true);
  });
});
