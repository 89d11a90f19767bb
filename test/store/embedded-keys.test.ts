/**
 * The index key encoding must order bytes exactly as MongoDB orders values, or index ranges and
 * index-ordered sorts return the wrong documents.
 */
import { BSON } from 'mongodb';
import {
  encodeComponent,
  encodeValue,
  pointInterval,
  rangeInterval,
  type KeyInterval,
} from '../../store/embedded/keys';

const { Binary, Decimal128, Int32, Long, MaxKey, MinKey, ObjectId, Timestamp } = BSON;

/** Values in MongoDB's ascending order (cross-type order, then value order). */
const ASCENDING: unknown[] = [
  new MinKey(),
  null,
  Number.NaN,
  -Infinity,
  -1e300,
  -5.5,
  Long.fromNumber(-3),
  -1,
  0,
  0.5,
  1,
  Long.fromNumber(2),
  Decimal128.fromString('2.5'),
  3,
  2 ** 53,
  Infinity,
  '',
  'a',
  'a\u0000',
  'a\u0000b',
  'ab',
  'b',
  'é',
  {},
  { a: 1 },
  { a: 1, b: 1 },
  { a: 2 },
  { b: 0 }, // embedded fields compare by type before name (BSONElement::woCompare)
  { a: 'x' },
  [],
  [1],
  [1, 2],
  [2],
  new Binary(Buffer.from([9])),
  new Binary(Buffer.from([0, 0])),
  new Binary(Buffer.from([0, 0]), 4),
  new ObjectId('000000000000000000000001'),
  new ObjectId('ff0000000000000000000000'),
  false,
  true,
  new Date(-1000),
  new Date(0),
  new Date(1e12),
  new Timestamp({ t: 1, i: 2 }),
  new Timestamp({ t: 2, i: 1 }),
  /a/,
  /b/,
  new MaxKey(),
];

const within = (key: Buffer, interval: KeyInterval | null): boolean =>
  interval !== null &&
  (interval.lo === null || Buffer.compare(key, interval.lo) >= 0) &&
  (interval.hi === null || Buffer.compare(key, interval.hi) < 0);

describe('index key encoding', () => {
  it('orders encoded values the way MongoDB orders the values', () => {
    const shuffled = ASCENDING.map((value, i) => ({ value, i, key: encodeValue(value) })).sort(
      () => Math.random() - 0.5,
    );
    const sorted = shuffled.sort((a, b) => Buffer.compare(a.key, b.key)).map((e) => e.i);
    expect(sorted).toEqual(ASCENDING.map((_, i) => i));
  });

  it('reverses the order for descending components', () => {
    const keys = ASCENDING.map((value) => encodeComponent(value, -1));
    for (let i = 1; i < keys.length; i++) expect(Buffer.compare(keys[i - 1], keys[i])).toBe(1);
  });

  it('gives equal numbers of every BSON numeric type the same key', () => {
    const one = encodeValue(1);
    for (const same of [new Int32(1), new BSON.Double(1), Long.fromNumber(1), Decimal128.fromString('1.0')]) {
      expect(encodeValue(same).equals(one)).toBe(true);
    }
    expect(encodeValue(-0).equals(encodeValue(0))).toBe(true);
  });

  it('orders compound keys field by field', () => {
    const key = (a: unknown, b: unknown) => Buffer.concat([encodeComponent(a, 1), encodeComponent(b, 1)]);
    const keys = [key('a', 2), key('a', 10), key('a', 'z'), key('ab', 0), key('b', -1)];
    const sorted = [...keys].sort(Buffer.compare);
    expect(sorted).toEqual(keys);
  });

  it('selects exactly the compound keys whose leading field equals a value', () => {
    const interval = pointInterval('a', 1);
    expect(within(Buffer.concat([encodeComponent('a', 1), encodeComponent(5, 1)]), interval)).toBe(true);
    expect(within(Buffer.concat([encodeComponent('ab', 1), encodeComponent(5, 1)]), interval)).toBe(false);
    expect(within(Buffer.concat([encodeComponent('', 1), encodeComponent(5, 1)]), interval)).toBe(false);
  });

  it('brackets ranges by type and honours exclusive bounds in both directions', () => {
    for (const dir of [1, -1] as const) {
      const gt5 = rangeInterval({ value: 5, inclusive: false }, undefined, dir);
      const key = (v: unknown) => encodeComponent(v, dir);
      expect([5, 5.0001, 1e9, '6', new Date(6), null].map((v) => within(key(v), gt5))).toEqual([
        false,
        true,
        true,
        false,
        false,
        false,
      ]);
      const between = rangeInterval({ value: 'b', inclusive: true }, { value: 'd', inclusive: false }, dir);
      expect(['a', 'b', 'c', 'cz', 'd', 'da', 4].map((v) => within(key(v), between))).toEqual([
        false,
        true,
        true,
        true,
        false,
        false,
        false,
      ]);
    }
    expect(rangeInterval({ value: 1, inclusive: true }, { value: 'z', inclusive: true }, 1)).toBeNull();
  });

  it('widens bounds on int64 values a double cannot represent exactly', () => {
    const big = Long.fromString('9007199254740993'); // 2^53 + 1 rounds to 2^53 as a double
    const gt = rangeInterval({ value: big, inclusive: false }, undefined, 1);
    expect(within(encodeValue(Long.fromString('9007199254740994')), gt)).toBe(true);
    expect(within(encodeValue(2 ** 53), gt)).toBe(true); // a candidate; the filter decides
  });
});
