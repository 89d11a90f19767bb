/**
 * Order-preserving, prefix-free byte encoding of BSON values, so SQLite's BLOB comparison
 * (memcmp) orders index keys exactly as MongoDB orders values: by canonical type first
 * (MinKey < null < numbers < strings < objects < arrays < BinData < ObjectId < bool < Date <
 * Timestamp < RegExp < MaxKey), then by value. Prefix-free (no encoding is a prefix of another)
 * is what lets compound keys be plain concatenations and lets a descending component be
 * stored bit-inverted.
 */
import type { BSON } from 'mongodb';
import { bsonType, isPlainObject, toNumber } from './values';

/** Canonical type tags, in MongoDB's cross-type sort order. 0x00 is reserved as a terminator. */
export const Tag = {
  MinKey: 0x01,
  Null: 0x05,
  Number: 0x10,
  String: 0x14,
  Object: 0x18,
  Array: 0x1c,
  Binary: 0x20,
  ObjectId: 0x24,
  Boolean: 0x28,
  Date: 0x2c,
  Timestamp: 0x30,
  RegExp: 0x34,
  Other: 0x38,
  MaxKey: 0xf0,
} as const;

/** A half-open interval of encoded keys: `lo <= key < hi`; null means unbounded. */
export interface KeyInterval {
  lo: Buffer | null;
  hi: Buffer | null;
  /**
   * Set when the interval is one string value: in the `_id` index, whose keys are that one
   * component and strings encode prefix-free, it holds exactly the key `lo`, so a scan may look
   * that key up rather than walk a range.
   */
  exactString?: true;
}

/** The canonical type tag of a value (missing and undefined index as null, as in MongoDB). */
export function typeTag(value: unknown): number {
  if (value === undefined || value === null) return Tag.Null;
  if (typeof value === 'number' || typeof value === 'bigint') return Tag.Number;
  if (typeof value === 'string') return Tag.String;
  if (typeof value === 'boolean') return Tag.Boolean;
  if (value instanceof Date) return Tag.Date;
  if (value instanceof RegExp) return Tag.RegExp;
  if (Array.isArray(value)) return Tag.Array;
  switch (bsonType(value)) {
    case 'Long':
    case 'Int32':
    case 'Double':
    case 'Decimal128':
      return Tag.Number;
    case 'BSONSymbol':
      return Tag.String;
    case 'Binary':
      return Tag.Binary;
    case 'ObjectId':
      return Tag.ObjectId;
    case 'Timestamp':
      return Tag.Timestamp;
    case 'BSONRegExp':
      return Tag.RegExp;
    case 'MinKey':
      return Tag.MinKey;
    case 'MaxKey':
      return Tag.MaxKey;
    case undefined:
      return isPlainObject(value) ? Tag.Object : Tag.Other;
    default:
      return Tag.Other;
  }
}

/**
 * True when a number's key is exact. Longs beyond 2^53 and decimals are keyed by their nearest
 * double, so range bounds on them must be widened to inclusive to never miss a candidate.
 */
export function isExactKey(value: unknown): boolean {
  const tag = bsonType(value);
  if (tag === 'Decimal128') return false;
  if (tag === 'Long') return Math.abs((value as BSON.Long).toNumber()) <= Number.MAX_SAFE_INTEGER;
  return true;
}

/** Encodes one value (ascending). */
export function encodeValue(value: unknown): Buffer {
  const out: number[] = [];
  write(out, value);
  return Buffer.from(out);
}

/** Bit-inverts an encoded component so it sorts descending; prefix-freedom keeps this exact. */
export function invert(bytes: Buffer): Buffer {
  const out = Buffer.allocUnsafe(bytes.length);
  for (let i = 0; i < bytes.length; i++) out[i] = 0xff - bytes[i];
  return out;
}

/** Encodes one component of an index key in the given direction. */
export function encodeComponent(value: unknown, direction: 1 | -1): Buffer {
  const bytes = encodeValue(value);
  return direction === 1 ? bytes : invert(bytes);
}

/**
 * The smallest byte string greater than every string starting with `prefix`; null if none
 * (all 0xFF). `[prefix, prefixEnd(prefix))` is "every key whose leading component is prefix".
 */
export function prefixEnd(prefix: Buffer): Buffer | null {
  let end = prefix.length;
  while (end > 0 && prefix[end - 1] === 0xff) end--;
  if (end === 0) return null;
  const out = Buffer.from(prefix.subarray(0, end));
  out[end - 1]++;
  return out;
}

/** The interval of keys whose leading component equals `value`. */
export function pointInterval(value: unknown, direction: 1 | -1): KeyInterval {
  const lo = encodeComponent(value, direction);
  return typeof value === 'string' ? { lo, hi: prefixEnd(lo), exactString: true } : { lo, hi: prefixEnd(lo) };
}

/** One side of a range: the value and whether it is included ($gte/$lte) or not ($gt/$lt). */
export interface Bound {
  value: unknown;
  inclusive: boolean;
}

/** Types a range can be answered from an index for; MongoDB brackets ranges by type too. */
const RANGE_TAGS = new Set<number>([Tag.Number, Tag.String, Tag.Date, Tag.ObjectId, Tag.Boolean, Tag.Timestamp]);

/**
 * The interval of keys whose leading component lies in a type-bracketed range (`$gt: 5` only
 * matches numbers, as in MongoDB). Null when the range can't be answered from an index (mixed
 * or unsupported types); the caller then falls back to another plan.
 */
export function rangeInterval(
  lower: Bound | undefined,
  upper: Bound | undefined,
  direction: 1 | -1,
): KeyInterval | null {
  const tags = [lower, upper].filter((b): b is Bound => b !== undefined).map((b) => typeTag(b.value));
  if (tags.length === 0 || !RANGE_TAGS.has(tags[0]) || tags.some((t) => t !== tags[0])) return null;
  const tag = tags[0];
  const inclusive = (b: Bound): boolean => b.inclusive || !isExactKey(b.value);
  if (direction === 1) {
    const lo = lower
      ? inclusive(lower)
        ? encodeValue(lower.value)
        : prefixEnd(encodeValue(lower.value))
      : Buffer.from([tag]);
    const hi = upper
      ? inclusive(upper)
        ? prefixEnd(encodeValue(upper.value))
        : encodeValue(upper.value)
      : Buffer.from([tag + 1]);
    return { lo, hi };
  }
  // Descending components are inverted, so the value's upper bound becomes the key's lower bound.
  const up = upper ? invert(encodeValue(upper.value)) : undefined;
  const low = lower ? invert(encodeValue(lower.value)) : undefined;
  const lo = up && upper ? (inclusive(upper) ? up : prefixEnd(up)) : Buffer.from([0xff - tag]);
  const hi = low && lower ? (inclusive(lower) ? prefixEnd(low) : low) : Buffer.from([0xff - tag + 1]);
  return { lo, hi };
}

function write(out: number[], value: unknown): void {
  const tag = typeTag(value);
  out.push(tag);
  switch (tag) {
    case Tag.Null:
    case Tag.MinKey:
    case Tag.MaxKey:
      return;
    case Tag.Number:
      return writeDouble(out, toNumber(value) ?? Number.NaN);
    case Tag.String:
      return writeString(out, typeof value === 'string' ? value : String((value as BSON.BSONSymbol).valueOf()));
    case Tag.Boolean:
      out.push(value ? 1 : 0);
      return;
    case Tag.Date:
      return writeInt64(out, (value as Date).getTime());
    case Tag.ObjectId:
      out.push(...(value as BSON.ObjectId).id);
      return;
    case Tag.Binary:
      return writeBinary(out, value as BSON.Binary);
    case Tag.Timestamp: {
      const ts = value as BSON.Timestamp;
      writeUint32(out, ts.high >>> 0);
      writeUint32(out, ts.low >>> 0);
      return;
    }
    case Tag.RegExp: {
      const re = value as RegExp | BSON.BSONRegExp;
      writeString(out, re instanceof RegExp ? re.source : re.pattern);
      writeString(out, re instanceof RegExp ? re.flags : re.options);
      return;
    }
    case Tag.Array:
      for (const item of value as unknown[]) write(out, item);
      out.push(0);
      return;
    case Tag.Object:
      // Per field: the value's type, then the name, then the value — MongoDB's comparison order.
      for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
        const inner = encodeValue(item);
        out.push(inner[0]);
        writeString(out, key);
        for (let i = 1; i < inner.length; i++) out.push(inner[i]);
      }
      out.push(0);
      return;
    default:
      // Code, DBRef and friends: deterministic (equality works) though not meaningfully ordered.
      return writeString(out, JSON.stringify(value) ?? '');
  }
}

/** Doubles as sortable bytes: flip the sign bit of positives, invert negatives; NaN sorts first. */
function writeDouble(out: number[], n: number): void {
  if (Number.isNaN(n)) {
    out.push(0, 0, 0, 0, 0, 0, 0, 0);
    return;
  }
  const buf = Buffer.allocUnsafe(8);
  buf.writeDoubleBE(n === 0 ? 0 : n); // -0 and 0 are the same key
  if (buf[0] & 0x80) for (let i = 0; i < 8; i++) buf[i] = 0xff - buf[i];
  else buf[0] ^= 0x80;
  out.push(...buf);
}

/** Strings: UTF-8 (MongoDB compares strings bytewise), 0x00 escaped as 00 FF, ended by 00 00. */
function writeString(out: number[], s: string): void {
  for (const byte of Buffer.from(s, 'utf8')) {
    out.push(byte);
    if (byte === 0) out.push(0xff);
  }
  out.push(0, 0);
}

function writeInt64(out: number[], n: number): void {
  const buf = Buffer.allocUnsafe(8);
  const safe = Number.isFinite(n) ? BigInt(Math.trunc(n)) : -(1n << 63n);
  buf.writeBigUInt64BE(safe + (1n << 63n));
  out.push(...buf);
}

function writeUint32(out: number[], n: number): void {
  out.push((n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);
}

/** MongoDB orders BinData by length, then subtype, then bytes; the length prefix keeps it prefix-free. */
function writeBinary(out: number[], bin: BSON.Binary): void {
  const bytes = bin.value();
  writeUint32(out, bytes.length);
  out.push(bin.sub_type & 0xff, ...bytes);
}
