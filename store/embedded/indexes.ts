/**
 * Index definitions and the keys a document contributes to an index, following MongoDB's rules:
 * missing fields index as null, arrays index each element (multikey), at most one array per
 * compound key, sparse indexes skip documents missing every field, partial indexes skip documents
 * not matching their filter.
 */
import { Query } from 'mingo';
import { CommandError } from './errors';
import { encodeComponent, encodeValue } from './keys';
import { type Doc, isPlainObject, numericView, toNumber } from './values';

/** The name MongoDB gives the index every collection has on `_id`. */
export const ID_INDEX_NAME = '_id_';

/** A validated index definition. */
export interface IndexSpec {
  name: string;
  /** Fields with their directions, in key order. */
  key: Array<[string, 1 | -1]>;
  unique: boolean;
  sparse: boolean;
  /** Present on TTL indexes. */
  expireAfterSeconds?: number;
  partialFilterExpression?: Doc;
  /** The definition as `listIndexes` reports it. */
  raw: Doc;
}

/** A stored index: its definition plus its row id and whether any document made it multikey. */
export interface IndexInfo extends IndexSpec {
  id: number;
  multikey: boolean;
}

/** One key a document contributes: its encoded bytes and the field values (for E11000 text). */
export interface IndexKey {
  bytes: Buffer;
  values: unknown[];
}

/** The `key` pattern as a document (`{ a: 1, b: -1 }`). */
export function keyPatternDoc(key: Array<[string, 1 | -1]>): Doc {
  return Object.fromEntries(key);
}

/** The name MongoDB would generate for a key pattern: `a_1_b_-1`. */
export function defaultIndexName(key: Array<[string, 1 | -1]>): string {
  return key.map(([field, dir]) => `${field}_${dir}`).join('_');
}

/** Validates a `createIndexes` entry; unsupported kinds (text, 2dsphere, hashed) are refused. */
export function parseIndexSpec(raw: unknown): IndexSpec {
  if (!isPlainObject(raw) || !isPlainObject(raw.key) || Object.keys(raw.key).length === 0) {
    throw new CommandError('CannotCreateIndex', "Index specification must have a non-empty 'key' object");
  }
  const key: Array<[string, 1 | -1]> = Object.entries(raw.key).map(([field, dir]) => {
    const n = toNumber(dir);
    if (n === undefined || n === 0 || Number.isNaN(n)) {
      throw new CommandError(
        'CannotCreateIndex',
        `Index type ${JSON.stringify(dir)} on field '${field}' is not supported by the embedded server; only ascending (1) and descending (-1) keys are`,
      );
    }
    return [field, n > 0 ? 1 : -1];
  });
  const name = raw.name === undefined ? defaultIndexName(key) : raw.name;
  if (typeof name !== 'string' || name === '')
    throw new CommandError('CannotCreateIndex', "Index 'name' must be a non-empty string");
  const ttl = raw.expireAfterSeconds === undefined ? undefined : toNumber(raw.expireAfterSeconds);
  if (raw.expireAfterSeconds !== undefined && (ttl === undefined || ttl < 0)) {
    throw new CommandError(
      'CannotCreateIndex',
      `expireAfterSeconds must be a non-negative number, found ${JSON.stringify(raw.expireAfterSeconds)}`,
    );
  }
  const partial = raw.partialFilterExpression;
  if (partial !== undefined && !isPlainObject(partial)) {
    throw new CommandError('CannotCreateIndex', 'partialFilterExpression must be an object');
  }
  const spec: IndexSpec = { name, key, unique: raw.unique === true, sparse: raw.sparse === true, raw: {} };
  if (ttl !== undefined) spec.expireAfterSeconds = ttl;
  if (partial) spec.partialFilterExpression = partial;
  spec.raw = { v: 2, key: keyPatternDoc(key), name };
  if (spec.unique) spec.raw.unique = true;
  if (spec.sparse) spec.raw.sparse = true;
  if (ttl !== undefined) spec.raw.expireAfterSeconds = ttl;
  if (partial) spec.raw.partialFilterExpression = partial;
  return spec;
}

/** True when two definitions would build the same index (so re-creating it is a no-op). */
export function sameDefinition(a: IndexSpec, b: IndexSpec): boolean {
  return (
    sameKey(a, b) &&
    a.unique === b.unique &&
    a.sparse === b.sparse &&
    a.expireAfterSeconds === b.expireAfterSeconds &&
    JSON.stringify(a.partialFilterExpression) === JSON.stringify(b.partialFilterExpression)
  );
}

/** True when two definitions have the same key pattern, directions included. */
export function sameKey(a: Pick<IndexSpec, 'key'>, b: Pick<IndexSpec, 'key'>): boolean {
  return a.key.length === b.key.length && a.key.every(([f, d], i) => b.key[i][0] === f && b.key[i][1] === d);
}

/** The stored key of an `_id` value; rejects the values MongoDB refuses as `_id`. */
export function idKey(id: unknown): Buffer {
  if (id === undefined) throw new CommandError('InvalidIdField', 'document is missing an _id');
  if (Array.isArray(id)) throw new CommandError('InvalidIdField', "can't use an array for _id");
  if (id instanceof RegExp) throw new CommandError('InvalidIdField', "can't use a regex for _id");
  return encodeValue(id);
}

/** The values a dotted path reaches in a document, arrays expanded, as an index sees them. */
export interface PathValues {
  values: unknown[];
  /** Whether the path exists at all (sparse indexes skip documents where it doesn't). */
  present: boolean;
  /** Whether an array was expanded on the way (the index becomes multikey). */
  multikey: boolean;
  /** The sub-paths at which arrays were expanded (`links` for `links.key`). */
  arrayPaths: Set<string>;
}

/** Collects the values at `path`; a missing path yields `[null]`, as MongoDB indexes it. */
export function pathValues(doc: Doc, path: string): PathValues {
  const state: PathValues = { values: [], present: false, multikey: false, arrayPaths: new Set() };
  collect(doc, path.split('.'), 0, state);
  if (state.values.length === 0) state.values.push(null);
  return state;
}

function collect(value: unknown, parts: string[], i: number, state: PathValues): void {
  if (i === parts.length) {
    if (value === undefined) return;
    state.present = true;
    if (Array.isArray(value)) {
      state.multikey = true;
      state.arrayPaths.add(parts.join('.'));
      // An empty array still indexes (as itself) so the document stays findable by the index.
      if (value.length === 0) state.values.push([]);
      else state.values.push(...(value as unknown[]));
    } else {
      state.values.push(value);
    }
    return;
  }
  const part = parts[i];
  if (Array.isArray(value)) {
    state.multikey = true;
    state.arrayPaths.add(parts.slice(0, i).join('.'));
    if (/^\d+$/.test(part)) return collect(value[Number(part)], parts, i + 1, state);
    for (const item of value) if (isPlainObject(item)) collect(item[part], parts, i + 1, state);
    return;
  }
  if (isPlainObject(value)) collect(value[part], parts, i + 1, state);
}

/** The keys a document contributes to an index and whether it made the index multikey. */
export interface DocumentKeys {
  keys: IndexKey[];
  multikey: boolean;
}

/** Keys for one document; null when a sparse or partial index leaves the document out. */
export function indexKeys(index: IndexSpec, doc: Doc): DocumentKeys | null {
  const fields = index.key.map(([path]) => pathValues(doc, path));
  if (index.sparse && fields.every((f) => !f.present)) return null;
  if (index.partialFilterExpression && !new Query(numericView(index.partialFilterExpression)).test(numericView(doc)))
    return null;
  // As in MongoDB: two indexed fields may both run through arrays only if it is the same array
  // ({ 'links.system': 1, 'links.key': 1 } over links: [...]); different arrays are "parallel".
  const multikeyFields = index.key.map((_, i) => i).filter((i) => fields[i].multikey);
  const arraySets = new Set(multikeyFields.map((i) => [...fields[i].arrayPaths].sort().join('|')));
  if (arraySets.size > 1) {
    const arrays = multikeyFields.map((i) => `[${index.key[i][0]}]`);
    throw new CommandError('CannotIndexParallelArrays', `cannot index parallel arrays ${arrays.join(' ')}`);
  }
  // One value per field (no array, or arrays of one): one key, built without the product below.
  if (fields.every((f) => f.values.length === 1)) {
    const values = fields.map((f) => f.values[0]);
    const components = values.map((value, i) => encodeComponent(value, index.key[i][1]));
    const bytes = components.length === 1 ? components[0] : Buffer.concat(components);
    return { keys: [{ bytes, values }], multikey: fields.some((f) => f.multikey) };
  }
  let keys: IndexKey[] = [{ bytes: Buffer.alloc(0), values: [] }];
  index.key.forEach(([, dir], i) => {
    const next: IndexKey[] = [];
    const seen = new Set<string>();
    for (const value of fields[i].values) {
      const component = encodeComponent(value, dir);
      const id = component.toString('latin1');
      if (seen.has(id)) continue; // an array holding the same value twice is one key
      seen.add(id);
      for (const prefix of keys)
        next.push({ bytes: Buffer.concat([prefix.bytes, component]), values: [...prefix.values, value] });
    }
    keys = next;
  });
  return { keys, multikey: fields.some((f) => f.multikey) };
}
