/**
 * Update documents, as MongoDB applies them: operator updates (`$set`, `$inc`, `$push`... through
 * mingo's updater, plus `$setOnInsert`, which mingo leaves to the caller), replacement documents
 * and aggregation-pipeline updates; `_id` is immutable; an upsert starts from the filter's
 * equality fields.
 */
import { BSON } from 'mongodb';
import { update as applyOperators, updateOne as applyPipeline } from 'mingo';
import { badValue, CommandError } from './errors';
import { idKey } from './indexes';
import { deserializeDoc, type Doc, isPlainObject, serializeDoc, withIdFirst } from './values';

/** An update as a command carries it: operators, a replacement, or a pipeline. */
export type UpdateSpec = Doc | Doc[];

/** Options for one application of an update. */
export interface ApplyOptions {
  arrayFilters?: Doc[];
  /** The statement's filter, needed by the positional `$` operator. */
  filter?: Doc;
  /** True when the update is building an upserted document (`$setOnInsert` applies). */
  inserting?: boolean;
}

/** MongoDB's update operators (mingo implements all but `$setOnInsert`, handled here). */
const UPDATE_OPERATORS = new Set([
  '$set',
  '$unset',
  '$inc',
  '$mul',
  '$rename',
  '$min',
  '$max',
  '$currentDate',
  '$push',
  '$pull',
  '$pullAll',
  '$addToSet',
  '$pop',
  '$bit',
  '$setOnInsert',
]);

/** Validates the `u` / `update` field of a command. */
export function parseUpdateSpec(raw: unknown): UpdateSpec {
  if (Array.isArray(raw) && raw.every(isPlainObject)) return raw;
  if (!isPlainObject(raw))
    throw new CommandError('FailedToParse', 'Update argument must be either an object or an array');
  const keys = Object.keys(raw);
  if (!keys.some((k) => k.startsWith('$'))) return raw; // a replacement document
  const unknown = keys.find((k) => !UPDATE_OPERATORS.has(k));
  if (unknown !== undefined) {
    throw new CommandError(
      'FailedToParse',
      `Unknown modifier: ${unknown}. Expected a valid update modifier or pipeline-style update specified as an array`,
    );
  }
  return raw;
}

/** True for `{ $set: ... }`-style updates (as opposed to replacements and pipelines). */
export function isOperatorUpdate(spec: UpdateSpec): boolean {
  return !Array.isArray(spec) && Object.keys(spec).some((k) => k.startsWith('$'));
}

/**
 * Returns the updated document (a new object; `doc` is not modified). Throws ImmutableField if
 * the update would change or remove `_id`.
 */
export function applyUpdate(doc: Doc, spec: UpdateSpec, options: ApplyOptions = {}): Doc {
  let after: Doc;
  if (Array.isArray(spec)) {
    // Pipelines and operators change the document in place: they work on a copy. A replacement
    // takes nothing of the old document but its `_id`, so it copies nothing.
    const docs = [structuredCloneDoc(doc)];
    try {
      applyPipeline(docs, {}, spec as Parameters<typeof applyPipeline>[2]);
    } catch (err) {
      throw badValue(err);
    }
    after = docs[0];
  } else if (isOperatorUpdate(spec)) {
    after = structuredCloneDoc(doc);
    const { $setOnInsert, ...operators } = spec;
    if (options.inserting && isPlainObject($setOnInsert))
      operators.$set = { ...(operators.$set as Doc | undefined), ...$setOnInsert };
    const modifier = withoutIdChanges(after, operators);
    if (Object.keys(modifier).length > 0) {
      const positional = JSON.stringify(
        Object.values(modifier).map((f) => (isPlainObject(f) ? Object.keys(f) : [])),
      ).includes('.$');
      try {
        applyOperators(after, modifier, options.arrayFilters, positional ? options.filter : undefined, {
          cloneMode: 'none',
        });
      } catch (err) {
        throw new CommandError('BadValue', err instanceof Error ? err.message : String(err));
      }
    }
  } else {
    if ('_id' in spec && doc._id !== undefined && !sameId(spec._id, doc._id)) throw immutableId();
    after = { ...spec, _id: doc._id };
  }
  if (doc._id !== undefined && (after._id === undefined || !sameId(after._id, doc._id))) throw immutableId();
  return withIdFirst(after);
}

/**
 * mingo refuses any operator on `_id`; MongoDB allows `$set` to the same value (and, when
 * building an upsert, to a first value). Those are applied here, anything else is ImmutableField.
 * Empty operators (`{ $set: {} }`) are dropped: MongoDB treats them as no-ops.
 */
function withoutIdChanges(doc: Doc, operators: Doc): Doc {
  const modifier: Doc = {};
  for (const [op, fields] of Object.entries(operators)) {
    if (!isPlainObject(fields)) {
      modifier[op] = fields; // let mingo report the malformed operator
      continue;
    }
    const kept: Doc = {};
    for (const [path, value] of Object.entries(fields)) {
      if (path !== '_id' && !path.startsWith('_id.')) kept[path] = value;
      else if (op === '$set' && path === '_id' && (doc._id === undefined || sameId(value, doc._id))) doc._id = value;
      else throw immutableId();
    }
    if (Object.keys(kept).length > 0) modifier[op] = kept;
  }
  return modifier;
}

/**
 * The document an upsert inserts: the filter's equality fields (`{ a: 1 }`, `{ a: { $eq: 1 } }`,
 * `$and` branches, dotted paths as nested fields), then the update applied to it, then a new
 * ObjectId if no `_id` came from either.
 */
export function upsertDocument(filter: Doc, spec: UpdateSpec, arrayFilters?: Doc[]): Doc {
  const seed: Doc = {};
  addEqualities(filter, seed);
  let doc: Doc;
  if (isOperatorUpdate(spec) || Array.isArray(spec)) {
    doc = applyUpdate(seed, spec, { arrayFilters, inserting: true });
  } else {
    doc = { ...spec };
    if (doc._id === undefined && seed._id !== undefined) doc._id = seed._id;
  }
  if (doc._id === undefined) doc._id = new BSON.ObjectId();
  return withIdFirst(doc);
}

function addEqualities(filter: Doc, seed: Doc): void {
  for (const [key, cond] of Object.entries(filter)) {
    if (key === '$and' && Array.isArray(cond)) {
      cond.filter(isPlainObject).forEach((branch) => addEqualities(branch, seed));
      continue;
    }
    if (key.startsWith('$')) continue;
    const operators = isPlainObject(cond) && Object.keys(cond).some((k) => k.startsWith('$'));
    if (!operators) setPath(seed, key, cond);
    else if (isPlainObject(cond) && '$eq' in cond) setPath(seed, key, cond.$eq);
  }
}

function setPath(doc: Doc, path: string, value: unknown): void {
  const parts = path.split('.');
  let target = doc;
  for (const part of parts.slice(0, -1)) {
    if (!isPlainObject(target[part])) target[part] = {};
    target = target[part] as Doc;
  }
  target[parts[parts.length - 1]] = value;
}

function sameId(a: unknown, b: unknown): boolean {
  return idKey(a).equals(idKey(b));
}

function immutableId(): CommandError {
  return new CommandError(
    'ImmutableField',
    "Performing an update on the path '_id' would modify the immutable field '_id'",
  );
}

/** A deep copy through BSON, so BSON types survive and the caller's document stays untouched. */
function structuredCloneDoc(doc: Doc): Doc {
  return deserializeDoc(serializeDoc(doc));
}
