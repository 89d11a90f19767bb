/**
 * The embedded server storing the documents of a write as they arrived (an insert's documents,
 * an upsert's replacement) instead of encoding them again, and finding a replacement's bytes
 * inside an update statement without decoding it.
 */
import { BSON, type Collection, MongoClient } from 'mongodb';
import { embeddedDocument, leadingElement } from '../../store/embedded/bson-walk';
import { type EmbeddedMongo, startEmbeddedMongo } from '../../store/embedded';

const { Double, Int32, Long, ObjectId, Decimal128, Timestamp, Binary, BSONRegExp, MinKey, MaxKey, Code } = BSON;

describe('finding an embedded document in encoded BSON', () => {
  const u = { _id: 'k', value: { nested: [1, 'two', { three: 3 }] }, at: new Date(0) };
  /** Every element type a statement could hold before its `u`, then `u`. */
  const statement = {
    q: { _id: 'k', fetchedAt: { $not: { $gt: new Date(0) } } },
    double: new Double(1.5),
    string: 'a string',
    array: [1, 2],
    binary: new Binary(Buffer.from([1, 2, 3]), 4),
    oid: new ObjectId(),
    bool: true,
    date: new Date(),
    null: null,
    regex: new BSONRegExp('^a.b$', 'i'),
    code: new Code('x => x'),
    int32: new Int32(7),
    timestamp: new Timestamp({ t: 1, i: 2 }),
    int64: Long.fromNumber(8),
    decimal: Decimal128.fromString('1.25'),
    min: new MinKey(),
    max: new MaxKey(),
    u,
    upsert: true,
  };

  it("returns the bytes of the field's document, after every kind of element before it", () => {
    const bytes = Buffer.from(BSON.serialize(statement));
    const found = embeddedDocument(bytes, 'u');
    expect(found && Buffer.from(found).equals(Buffer.from(BSON.serialize(u)))).toBe(true);
  });

  it("returns a document's first element whole, telling apart two encodings of one `_id`", () => {
    const asInt = Buffer.from(BSON.serialize({ _id: new Int32(1), a: 'x' }));
    const asDouble = Buffer.from(BSON.serialize({ _id: new Double(1), a: 'x' }));
    expect(leadingElement(asInt)?.equals(Buffer.from(BSON.serialize({ _id: 1 })).subarray(4, -1))).toBe(true);
    expect(leadingElement(asInt)?.equals(leadingElement(asDouble)!)).toBe(false);
    expect(leadingElement(Buffer.from(BSON.serialize({})))).toBeNull();
    const cut = Buffer.from(asInt.subarray(0, 9));
    cut.writeInt32LE(cut.length, 0);
    expect(leadingElement(cut)).toBeNull();
  });

  it('returns null for a missing field, a field that is not a document, and bytes cut short', () => {
    const bytes = Buffer.from(BSON.serialize(statement));
    expect(embeddedDocument(bytes, 'missing')).toBeNull();
    expect(embeddedDocument(bytes, 'string')).toBeNull();
    expect(embeddedDocument(bytes, 'array')).toBeNull();
    const cut = Buffer.from(bytes.subarray(0, bytes.length - 20));
    cut.writeInt32LE(cut.length, 0);
    expect(embeddedDocument(cut, 'u')).toBeNull();
    expect(embeddedDocument(Buffer.from([1, 2]), 'u')).toBeNull();
  });
});

/** The collection's documents: string ids, anything else. */
interface Row {
  _id: string;
  [field: string]: unknown;
}

describe('the embedded server storing written documents as they came', () => {
  let server: EmbeddedMongo;
  let client: MongoClient;
  let c: Collection<Row>;

  beforeAll(async () => {
    server = await startEmbeddedMongo({ memory: true });
    client = await new MongoClient(server.uri).connect();
    c = client.db('received').collection<Row>('docs');
  });
  afterAll(async () => {
    await client.close();
    await server.close();
  });

  /** The bytes a database holds (dbStats' dataSize): what its documents were stored as. */
  const storedBytes = async (db: string) => (await client.db(db).command({ dbStats: 1 })).dataSize as number;

  it("stores an insert's documents and an upsert's replacement in the bytes they came in", async () => {
    // A whole double decodes to a JS number, which encodes again as a 4-byte int32, not as the
    // 8-byte double it came as: the bytes held tell which was stored.
    const inserted = { _id: 'inserted', n: new Double(5), s: 'x' };
    const upserted = { _id: 'upserted', n: new Double(6) };
    await client.db('as-inserted').collection<Row>('docs').insertMany([inserted]);
    await client
      .db('as-upserted')
      .collection<Row>('docs')
      .bulkWrite([{ replaceOne: { filter: { _id: 'upserted' }, replacement: upserted, upsert: true } }]);
    expect(await storedBytes('as-inserted')).toBe(BSON.calculateObjectSize(inserted));
    expect(await storedBytes('as-upserted')).toBe(BSON.calculateObjectSize(upserted));
    expect(BSON.calculateObjectSize({ ...inserted, n: 5 })).toBe(BSON.calculateObjectSize(inserted) - 4);
  });

  it('stores a replacement of a document already there in the bytes it came in', async () => {
    const docs = client.db('as-replaced').collection<Row>('docs');
    await docs.insertOne({ _id: 'replaced', n: 1 });
    const replacement = { _id: 'replaced', n: new Double(7), s: 'y' };
    const result = await docs.bulkWrite([
      { replaceOne: { filter: { _id: 'replaced', n: { $lt: 5 } }, replacement, upsert: true } },
    ]);
    expect(result).toMatchObject({ matchedCount: 1, modifiedCount: 1, upsertedCount: 0 });
    expect(await storedBytes('as-replaced')).toBe(BSON.calculateObjectSize(replacement));
    expect(await docs.findOne({ _id: 'replaced' })).toEqual({ _id: 'replaced', n: 7, s: 'y' });
  });

  it("encodes a replacement anew when it does not lead with the stored document's `_id` as stored", async () => {
    const db = client.db('re-encoded');
    const docs = db.collection<{ _id: number; [field: string]: unknown }>('docs');
    await docs.insertMany([
      { _id: 1, n: 1 },
      { _id: 2, n: 1 },
    ]);
    // `_id` 1 is stored as an int32; sent as a double it is the same id, and the stored one stays.
    await docs.replaceOne({ _id: 1 }, { _id: new Double(1), n: new Double(7) });
    // No `_id` in the replacement: the stored one is put first.
    await docs.replaceOne({ _id: 2 }, { n: new Double(8) });
    expect(await storedBytes('re-encoded')).toBe(
      BSON.calculateObjectSize({ _id: 1, n: 7 }) + BSON.calculateObjectSize({ _id: 2, n: 8 }),
    );
    expect(await docs.find({}, { sort: { _id: 1 } }).toArray()).toEqual([
      { _id: 1, n: 7 },
      { _id: 2, n: 8 },
    ]);
  });

  it('still puts `_id` first, and builds a document an update makes, as MongoDB does', async () => {
    await c.insertMany([{ a: 1, _id: 'late-id' }]);
    expect(Object.keys((await c.findOne({ _id: 'late-id' }))!)).toEqual(['_id', 'a']);
    await c.bulkWrite([
      { replaceOne: { filter: { _id: 'no-id' }, replacement: { a: 2 }, upsert: true } },
      { updateOne: { filter: { _id: 'operators' }, update: { $set: { a: 3 } }, upsert: true } },
    ]);
    expect(await c.findOne({ _id: 'no-id' })).toEqual({ _id: 'no-id', a: 2 });
    expect(await c.findOne({ _id: 'operators' })).toEqual({ _id: 'operators', a: 3 });
  });

  it('refuses a duplicate as before, storing nothing of it', async () => {
    const docs = client.db('as-inserted').collection<Row>('docs');
    await expect(docs.insertMany([{ _id: 'inserted', n: 1 }])).rejects.toMatchObject({ code: 11000 });
    expect(await docs.findOne({ _id: 'inserted' })).toEqual({ _id: 'inserted', n: 5, s: 'x' });
  });
});
