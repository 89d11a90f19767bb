/**
 * Chooses how to read a query's candidates: equality / `$in` on `_id` or an index's leading
 * field become point look-ups, `$gt/$gte/$lt/$lte` become a key range, a sort on an indexed
 * field walks the index in order (so `sort + limit` stops early), and anything else scans the
 * collection. The plan only narrows candidates: mingo still applies the whole filter to each.
 */
import type { CollectionInfo } from './catalog';
import { ID_INDEX_NAME, type IndexInfo, keyPatternDoc } from './indexes';
import { type Bound, encodeComponent, type KeyInterval, pointInterval, rangeInterval } from './keys';
import type { ScanSource } from './scan';
import { bsonType, type Doc, isPlainObject, type SortSpec } from './values';

/** A chosen access path. */
export interface Plan {
  source: ScanSource;
  /** True when documents arrive already in the requested sort order. */
  providesSort: boolean;
  /** The index used (for explain), or null for a collection scan. */
  indexName: string | null;
  keyPattern: Doc | null;
}

type Constraint = { kind: 'points'; values: unknown[] } | { kind: 'range'; lower?: Bound; upper?: Bound };

/** An index as the planner sees it; `_id` is one too. */
interface Access {
  name: string;
  field: string;
  direction: 1 | -1;
  rank: number; // lower is better for point look-ups: _id, then unique, then others
  multikey: boolean;
  sparse: boolean;
  index: IndexInfo | null;
  keyPattern: Doc;
}

/** Plans a query over `coll`. `useIndexes` is false when a collation makes binary keys unusable. */
export function planQuery(coll: CollectionInfo, filter: Doc, sort: SortSpec | null, useIndexes = true): Plan {
  const natural = sort && '$natural' in sort ? sort.$natural : undefined;
  const collscan: Plan = {
    source: { kind: 'collscan', direction: natural === -1 ? -1 : 1 },
    providesSort: natural !== undefined && Object.keys(sort ?? {}).length === 1,
    indexName: null,
    keyPattern: null,
  };
  if (!useIndexes || natural !== undefined) return collscan;
  // The commonest query by far (each upsert of a bulk write is one): a string `_id`, no sort.
  // The search below would choose the same plan (no access ranks above `_id`) after listing
  // every index of the collection, per statement.
  if (typeof filter._id === 'string' && (sort === null || Object.keys(sort).length === 0)) {
    return makePlan(ID_ACCESS, [pointInterval(filter._id, 1)], 1, false);
  }
  const accesses = listAccesses(coll);
  const byField = new Map<string, Constraint[]>();
  collectConstraints(filter, byField);
  const sortKeys = Object.entries(sort ?? {});

  let best: { plan: Plan; rank: number; count: number } | null = null;
  for (const access of accesses) {
    for (const c of byField.get(access.field) ?? []) {
      if (c.kind !== 'points' || (access.sparse && c.values.some((v) => v === null))) continue;
      const intervals = pointIntervals(c.values, access.direction);
      if (!best || access.rank < best.rank || (access.rank === best.rank && intervals.length < best.count)) {
        // Within one value of the leading field, the index is in the order of its other fields.
        const walk = intervals.length === 1 ? sortWalk(sortKeys, access, true) : null;
        best = {
          plan: makePlan(access, intervals, walk ?? 1, walk !== null),
          rank: access.rank,
          count: intervals.length,
        };
      }
    }
  }
  if (best) return best.plan;

  let ranged: Plan | null = null;
  for (const access of accesses) {
    for (const c of byField.get(access.field) ?? []) {
      if (c.kind !== 'range') continue;
      // On a multikey index one element may satisfy $gt and another $lt: bounds can't intersect.
      const upper = access.multikey && c.lower ? undefined : c.upper;
      const interval = rangeInterval(c.lower, upper, access.direction);
      if (!interval) continue;
      const walk = sortWalk(sortKeys, access, false);
      const plan = makePlan(access, [interval], walk ?? 1, walk !== null);
      if (walk !== null) return plan;
      ranged ??= plan;
    }
  }
  if (ranged) return ranged;

  if (sortKeys.length > 0) {
    for (const access of accesses) {
      const walk = access.sparse ? null : sortWalk(sortKeys, access, false);
      if (walk !== null) return makePlan(access, [{ lo: null, hi: null }], walk, true);
    }
  }
  return collscan;
}

/**
 * The direction to walk `access` so documents arrive in `sortKeys` order, or null when it can't
 * deliver that order. The sort must be a prefix of the index's key pattern, every field in the
 * same relation to the index's direction (`{ a: -1, _id: -1 }` walks `{ a: 1, _id: 1 }`
 * backwards). `pinned` means the scan covers one value of the leading field, so the sort may
 * also leave that field out (`{ _id: 1 }` on `{ a: 1, _id: 1 }` for `a: null`).
 */
function sortWalk(sortKeys: Array<[string, number]>, access: Access, pinned: boolean): 1 | -1 | null {
  if (sortKeys.length === 0 || access.multikey) return null;
  const pattern = Object.entries(access.keyPattern) as Array<[string, number]>;
  const fields = pinned && sortKeys[0][0] !== access.field ? pattern.slice(1) : pattern;
  if (sortKeys.length > fields.length) return null;
  const walk = scanDirection(sortKeys[0][1], fields[0][1] < 0 ? -1 : 1);
  const agrees = sortKeys.every(
    ([field, dir], i) => fields[i][0] === field && scanDirection(dir, fields[i][1] < 0 ? -1 : 1) === walk,
  );
  return agrees ? walk : null;
}

const ID_ACCESS: Access = {
  name: ID_INDEX_NAME,
  field: '_id',
  direction: 1,
  rank: 0,
  multikey: false,
  sparse: false,
  index: null,
  keyPattern: { _id: 1 },
};

function listAccesses(coll: CollectionInfo): Access[] {
  const secondary = coll.indexes
    .filter((index) => !index.partialFilterExpression)
    .map((index): Access => ({
      name: index.name,
      field: index.key[0][0],
      direction: index.key[0][1],
      rank: index.unique && index.key.length === 1 ? 1 : 2,
      multikey: index.multikey,
      sparse: index.sparse,
      index,
      keyPattern: keyPatternDoc(index.key),
    }));
  return [ID_ACCESS, ...secondary];
}

function makePlan(access: Access, intervals: KeyInterval[], direction: 1 | -1, providesSort: boolean): Plan {
  const source: ScanSource = access.index
    ? { kind: 'index', index: access.index, intervals, direction }
    : { kind: 'id', intervals, direction };
  return { source, providesSort, indexName: access.name, keyPattern: access.keyPattern };
}

/** Walk the keys forwards when the sort and the index agree on direction, else backwards. */
function scanDirection(sortDir: number, indexDir: 1 | -1): 1 | -1 {
  return sortDir * indexDir > 0 ? 1 : -1;
}

/** One interval per distinct value, in ascending key order. */
function pointIntervals(values: unknown[], direction: 1 | -1): KeyInterval[] {
  const unique = new Map<string, unknown>();
  for (const value of values) unique.set(encodeComponent(value, direction).toString('latin1'), value);
  return [...unique.keys()].sort().map((k) => pointInterval(unique.get(k), direction));
}

/** Gathers per-field constraints from the top level of a filter and its `$and` branches. */
function collectConstraints(filter: Doc, out: Map<string, Constraint[]>): void {
  for (const [key, cond] of Object.entries(filter)) {
    if (key === '$and' && Array.isArray(cond)) {
      cond.filter(isPlainObject).forEach((branch) => collectConstraints(branch, out));
      continue;
    }
    if (key.startsWith('$')) continue;
    const constraint = fieldConstraint(cond);
    if (constraint) out.set(key, [...(out.get(key) ?? []), constraint]);
  }
}

function fieldConstraint(cond: unknown): Constraint | null {
  if (!isOperatorObject(cond)) return pointable(cond) ? { kind: 'points', values: [cond] } : null;
  if ('$eq' in cond && pointable(cond.$eq)) return { kind: 'points', values: [cond.$eq] };
  if (Array.isArray(cond.$in) && cond.$in.every(pointable)) return { kind: 'points', values: cond.$in };
  const lower =
    '$gt' in cond
      ? { value: cond.$gt, inclusive: false }
      : '$gte' in cond
        ? { value: cond.$gte, inclusive: true }
        : undefined;
  const upper =
    '$lt' in cond
      ? { value: cond.$lt, inclusive: false }
      : '$lte' in cond
        ? { value: cond.$lte, inclusive: true }
        : undefined;
  return lower || upper ? { kind: 'range', lower, upper } : null;
}

function isOperatorObject(value: unknown): value is Doc {
  return isPlainObject(value) && Object.keys(value).length > 0 && Object.keys(value).every((k) => k.startsWith('$'));
}

/** Values an equality can look up by key: not arrays (whole-array equality), not regexes. */
function pointable(value: unknown): boolean {
  if (value === undefined || Array.isArray(value) || value instanceof RegExp || bsonType(value) === 'BSONRegExp')
    return false;
  return !(isPlainObject(value) && Object.keys(value).some((k) => k.startsWith('$')));
}
