/**
 * BSON values as the server handles them: how documents are (de)serialized for storage and the
 * wire, and the few conversions every command needs.
 */
import { BSON } from 'mongodb';
import { CommandError } from './errors';

/** A BSON document as JavaScript sees it after `BSON.deserialize`. */
export type Doc = Record<string, unknown>;

/** A MongoDB sort specification (`{ field: 1 | -1 }`), field order significant. */
export type SortSpec = Record<string, 1 | -1>;

/**
 * Longs stay `Long` (not numbers) and binaries stay `Binary`, so a document stored and read back
 * carries exactly the BSON types the client sent: int64 stays int64, subtype 4 stays subtype 4.
 */
const DESERIALIZE: BSON.DeserializeOptions = { promoteLongs: false, promoteBuffers: false };

/** `BSON.serialize`'s default scratch buffer; output this large may have been cut short. */
const SCRATCH_BYTES = 17 * 1024 * 1024;

/**
 * Serializes a document for storage or a reply. `undefined` fields are dropped, as MongoDB does.
 * `BSON.serialize` silently truncates output that outgrows its (process-wide) scratch buffer, so
 * anything that reaches that size is serialized again after growing the buffer to fit.
 */
export function serializeDoc(doc: Doc): Buffer {
  let bytes = BSON.serialize(doc, { ignoreUndefined: true });
  if (bytes.byteLength >= SCRATCH_BYTES) {
    BSON.setInternalBufferSize(BSON.calculateObjectSize(doc, { ignoreUndefined: true }) + 1024);
    bytes = BSON.serialize(doc, { ignoreUndefined: true });
  }
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * The bytes documents of a write arrived in (an insert's documents, an upsert's replacement),
 * by the decoded document: a document stored unchanged is stored as it came, rather than
 * encoded again (the costliest step of a bulk write), which is also what MongoDB stores.
 */
const received = new WeakMap<Doc, Buffer>();

/** Notes the bytes `doc` was decoded from (see `receivedBytes`). */
export function noteReceived(doc: Doc, bytes: Buffer): void {
  received.set(doc, bytes);
}

/** The bytes `doc` arrived in, if it is a received document; valid only while it is unchanged. */
export function receivedBytes(doc: Doc): Buffer | undefined {
  return received.get(doc);
}

/** Deserializes a stored or received document, keeping every BSON type (see `DESERIALIZE`). */
export function deserializeDoc(bytes: Uint8Array): Doc {
  return BSON.deserialize(bytes, DESERIALIZE);
}

/** The `_bsontype` tag of a BSON class instance (`'ObjectId'`, `'Long'`...), if any. */
export function bsonType(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const tag = (value as { _bsontype?: unknown })._bsontype;
  return typeof tag === 'string' ? tag : undefined;
}

/** True for an embedded document (not an array, Date, RegExp or BSON class instance). */
export function isPlainObject(value: unknown): value is Doc {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** The numeric value of any BSON number (double, int32, int64, decimal128), else undefined. */
export function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  switch (bsonType(value)) {
    case 'Long':
      return (value as BSON.Long).toNumber();
    case 'Int32':
    case 'Double':
      return (value as BSON.Int32 | BSON.Double).value;
    case 'Decimal128':
      return Number.parseFloat((value as BSON.Decimal128).toString());
    default:
      return undefined;
  }
}

/**
 * Reads an integer command option (`limit`, `batchSize`...), which clients may send as int32,
 * int64 or double. Missing gives `fallback`; anything else non-numeric is MongoDB's TypeMismatch.
 */
export function intOption(cmd: Doc, name: string, fallback: number): number {
  const raw = cmd[name];
  if (raw === undefined || raw === null) return fallback;
  const n = toNumber(raw);
  if (n === undefined || !Number.isFinite(n)) {
    throw new CommandError('TypeMismatch', `Field '${name}' should be a number, but found ${describeType(raw)}`);
  }
  return Math.trunc(n);
}

/** Reads an optional sub-document option (`filter`, `sort`...); wrong types are TypeMismatch. */
export function docOption(cmd: Doc, name: string): Doc | undefined {
  const raw = cmd[name];
  if (raw === undefined || raw === null) return undefined;
  if (!isPlainObject(raw)) {
    throw new CommandError('TypeMismatch', `Field '${name}' should be an object, but found ${describeType(raw)}`);
  }
  return raw;
}

/** A short BSON-ish type name for error messages. */
export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (value instanceof Date) return 'date';
  return bsonType(value)?.toLowerCase() ?? (isPlainObject(value) ? 'object' : typeof value);
}

/**
 * mingo compares `Long`/`Decimal128` instances by their string form ("10" < "9"), so filters and
 * in-memory sorts run over a view where every BSON number is a plain JS number. The view shares
 * untouched sub-trees with the original; the original is what gets stored and returned.
 */
export function numericView<T>(value: T): T {
  return viewOf(value) as T;
}

function viewOf(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  const tag = bsonType(value);
  if (tag === 'Long' || tag === 'Int32' || tag === 'Double' || tag === 'Decimal128') return toNumber(value);
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    value.forEach((item, i) => {
      const mapped = viewOf(item);
      if (mapped !== item) (copy ??= value.slice())[i] = mapped;
    });
    return copy ?? value;
  }
  if (!isPlainObject(value)) return value;
  let copy: Doc | undefined;
  for (const [key, item] of Object.entries(value)) {
    const mapped = viewOf(item);
    if (mapped !== item) (copy ??= { ...value })[key] = mapped;
  }
  return copy ?? value;
}

/** MongoDB stores `_id` as the first field whatever order the client used. */
export function withIdFirst(doc: Doc): Doc {
  if (Object.keys(doc)[0] === '_id') return doc;
  const { _id, ...rest } = doc;
  return { _id, ...rest };
}

/** Renders a value the way MongoDB's E11000 messages do: `"a@b.c"`, `ObjectId('…')`, `42`. */
export function formatValue(value: unknown): string {
  if (value === undefined || value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value instanceof Date) return `new Date(${value.getTime()})`;
  if (Array.isArray(value)) return `[ ${value.map(formatValue).join(', ')} ]`;
  const tag = bsonType(value);
  if (tag === 'ObjectId') return `ObjectId('${(value as BSON.ObjectId).toHexString()}')`;
  // BSON values (Decimal128, Long, Binary...) print themselves.
  // eslint-disable-next-line @typescript-eslint/no-base-to-string
  if (tag !== undefined) return String(value);
  if (isPlainObject(value)) {
    const fields = Object.entries(value).map(([k, v]) => `${k}: ${formatValue(v)}`);
    return `{ ${fields.join(', ')} }`;
  }
  // Anything else (a function, a symbol, a class instance) as JavaScript prints it.
  // eslint-disable-next-line @typescript-eslint/no-base-to-string
  return String(value);
}
