/**
 * Runs a query: plan (`planner.ts`), scan the candidates (`scan.ts`), drop expired and
 * non-matching documents (mingo applies the full filter), sort in memory unless the index
 * already delivers the order, then skip / limit / project — all lazily, so a cursor reads only
 * what its batches need.
 */
import { Aggregator, Query } from 'mingo';
import type { CollectionInfo } from './catalog';
import { badValue } from './errors';
import { type Plan, planQuery } from './planner';
import { scan, type ScanStats, type StoredDoc } from './scan';
import type { Statements } from './sqlite';
import { expiryTest } from './ttl';
import { type Doc, isPlainObject, numericView, type SortSpec, toNumber } from './values';

/** What to find. */
export interface FindSpec {
  filter?: Doc;
  sort?: SortSpec | null;
  projection?: Doc | null;
  skip?: number;
  /** 0 or absent: no limit. */
  limit?: number;
  collation?: Doc;
  /** `let` variables for `$expr`. */
  variables?: Doc;
  /** Roughly how many documents the caller will consume (sizes the first read). */
  expected?: number;
}

/** Counters and the chosen plan, for `explain`. */
export interface ExecStats extends ScanStats {
  nReturned: number;
  plan: Plan | null;
}

/** Fresh counters. */
export function newStats(): ExecStats {
  return { keysExamined: 0, docsExamined: 0, nReturned: 0, plan: null };
}

/** mingo's options type (not exported by name under CommonJS resolution). */
export type MingoOptions = NonNullable<ConstructorParameters<typeof Query>[1]>;

/** mingo options for a command's collation and `let`. */
export function mingoOptions(spec: Pick<FindSpec, 'collation' | 'variables'>): MingoOptions {
  const options: { -readonly [K in keyof MingoOptions]: MingoOptions[K] } = {};
  if (spec.collation && spec.collation.locale !== 'simple')
    options.collation = spec.collation as unknown as MingoOptions['collation'];
  if (spec.variables) options.variables = spec.variables;
  return options;
}

/**
 * The string ids a filter of exactly `{ _id: "..." }` or `{ _id: { $in: ["...", ...] } }` asks
 * for; null for any other filter. Without a collation such a filter is plain string equality,
 * which needs no query engine: the hub's look-ups by id and its batches of cached records.
 */
function stringIdsOf(filter: Doc, spec: Pick<FindSpec, 'collation'>): Set<string> | null {
  if (spec.collation && spec.collation.locale !== 'simple') return null;
  const keys = Object.keys(filter);
  if (keys.length !== 1 || keys[0] !== '_id') return null;
  const id = filter._id;
  if (typeof id === 'string') return new Set([id]);
  if (!isPlainObject(id)) return null;
  const operators = Object.keys(id);
  const values = id.$in;
  if (operators.length !== 1 || !Array.isArray(values)) return null;
  return values.every((value): value is string => typeof value === 'string') ? new Set(values) : null;
}

/** A comparison `simplePredicate` judges itself. */
type SimpleTest =
  | { field: string; kind: 'eq'; value: string | number | boolean }
  | { field: string; kind: 'date'; op: '$gt' | '$gte' | '$lt' | '$lte'; at: number; negated: boolean };

const DATE_OPS = new Set(['$gt', '$gte', '$lt', '$lte']);

/** `{ $gt: <date> }` as a test on `field`, or null for anything else. */
function dateTest(field: string, condition: unknown, negated: boolean): SimpleTest | null {
  if (!isPlainObject(condition)) return null;
  const ops = Object.keys(condition);
  if (ops.length !== 1 || !DATE_OPS.has(ops[0])) return null;
  const at = condition[ops[0]];
  if (!(at instanceof Date)) return null;
  return { field, kind: 'date', op: ops[0] as '$gt' | '$gte' | '$lt' | '$lte', at: at.getTime(), negated };
}

/**
 * A predicate for the filters the hub's own writes and reads use most, judged without compiling
 * a mingo query (which copies mingo's operator tables every time: 15% of the store's time under a
 * bulk export): top-level fields equal to a string, number or boolean, or compared with a date
 * by `$gt`, `$gte`, `$lt`, `$lte`, or `$not` of one. Null for any other filter. It answers
 * undefined for a document whose field holds something other than a plain value (an array,
 * whose elements MongoDB compares one by one, an embedded document, a BSON type): mingo judges
 * that one. A field missing or null compares false with a date, as MongoDB brackets by type.
 */
function simplePredicate(filter: Doc): ((doc: Doc) => boolean | undefined) | null {
  const tests: SimpleTest[] = [];
  for (const [field, raw] of Object.entries(filter)) {
    if (field.startsWith('$') || field.includes('.')) return null;
    const condition = numericView(raw);
    if (typeof condition === 'string' || typeof condition === 'boolean') {
      tests.push({ field, kind: 'eq', value: condition });
      continue;
    }
    if (typeof condition === 'number') {
      if (Number.isNaN(condition)) return null;
      tests.push({ field, kind: 'eq', value: condition });
      continue;
    }
    const negated = isPlainObject(condition) && Object.keys(condition).length === 1 && '$not' in condition;
    const test = dateTest(field, negated ? condition.$not : condition, negated);
    if (!test) return null;
    tests.push(test);
  }
  return (doc) => {
    for (const test of tests) {
      const value = numericView(doc[test.field]);
      let holds: boolean;
      if (test.kind === 'eq') {
        if (value !== null && typeof value === 'object') return undefined;
        holds = value === test.value;
      } else {
        if (value instanceof Date) {
          const time = value.getTime();
          holds =
            test.op === '$gt'
              ? time > test.at
              : test.op === '$gte'
                ? time >= test.at
                : test.op === '$lt'
                  ? time < test.at
                  : time <= test.at;
        } else if (value === null || value === undefined || typeof value !== 'object') holds = false;
        else return undefined;
        if (test.negated) holds = !holds;
      }
      if (!holds) return false;
    }
    return true;
  };
}

/** Compiles a filter into a predicate over stored documents (BSON numbers compared as numbers). */
export function compileFilter(
  filter: Doc,
  spec: Pick<FindSpec, 'collation' | 'variables'> = {},
): (doc: Doc) => boolean {
  if (Object.keys(filter).length === 0) return () => true;
  const ids = stringIdsOf(filter, spec);
  if (ids) return (doc) => typeof doc._id === 'string' && ids.has(doc._id);
  const simple = spec.collation && spec.collation.locale !== 'simple' ? null : simplePredicate(filter);
  if (simple) {
    // Compiled only for a document the simple test cannot judge (valid by construction).
    let query: ((doc: Doc) => boolean) | undefined;
    return (doc) => simple(doc) ?? (query ??= mingoPredicate(filter, spec))(doc);
  }
  return mingoPredicate(filter, spec);
}

function mingoPredicate(filter: Doc, spec: Pick<FindSpec, 'collation' | 'variables'>): (doc: Doc) => boolean {
  try {
    const query = new Query(numericView(filter), mingoOptions(spec));
    return (doc) => {
      try {
        return query.test(numericView(doc));
      } catch (err) {
        throw badValue(err);
      }
    };
  } catch (err) {
    throw badValue(err);
  }
}

/** Streams the stored documents a query selects, in order, after skip and limit. */
export function* findStored(
  sql: Statements,
  coll: CollectionInfo | undefined,
  spec: FindSpec,
  stats: ExecStats,
): Generator<StoredDoc> {
  if (!coll) return;
  const filter = spec.filter ?? {};
  const matches = compileFilter(filter, spec);
  const expired = expiryTest(coll);
  const sort = spec.sort && Object.keys(spec.sort).length > 0 ? spec.sort : null;
  const collated = mingoOptions(spec).collation !== undefined;
  const plan = planQuery(coll, filter, sort, !collated);
  stats.plan = plan;
  const skip = Math.max(0, spec.skip ?? 0);
  const limit = Math.abs(spec.limit ?? 0);
  const inMemorySort = sort !== null && !plan.providesSort;
  const expected = inMemorySort ? Number.MAX_SAFE_INTEGER : limit ? skip + limit : (spec.expected ?? 101);

  function* candidates(): Generator<StoredDoc> {
    for (const stored of scan(sql, coll as CollectionInfo, plan.source, stats, expected)) {
      if (expired?.(stored.doc)) continue;
      if (matches(stored.doc)) yield stored;
    }
  }
  const ordered = inMemorySort ? sortStored([...candidates()], sort, spec) : candidates();
  let skipped = 0;
  let returned = 0;
  for (const stored of ordered) {
    if (skipped < skip) {
      skipped++;
      continue;
    }
    returned++;
    stats.nReturned++;
    yield stored;
    if (limit && returned >= limit) return; // stop before reading one document too many
  }
}

/** Streams the documents a query returns (projection applied). */
export function* findDocs(
  sql: Statements,
  coll: CollectionInfo | undefined,
  spec: FindSpec,
  stats: ExecStats,
): Generator<Doc> {
  const project = projector(spec.projection ?? null);
  for (const stored of findStored(sql, coll, spec, stats)) yield project(stored.doc);
}

/** Sorts stored documents with MongoDB's sort semantics (mingo's `$sort`, over numeric views). */
export function sortStored(docs: StoredDoc[], sort: SortSpec, spec: Pick<FindSpec, 'collation'> = {}): StoredDoc[] {
  const byView = new Map<unknown, StoredDoc>();
  const views = docs.map((stored) => {
    const view = numericView(stored.doc);
    byView.set(view, stored);
    return view;
  });
  try {
    const sorted = new Aggregator([{ $sort: sort }], mingoOptions(spec)).run(views);
    return sorted.map((view) => byView.get(view) as StoredDoc);
  } catch (err) {
    throw badValue(err);
  }
}

/** Builds a projection function; MongoDB keeps the document's own field order, so we do too. */
export function projector(projection: Doc | null): (doc: Doc) => Doc {
  if (!projection || Object.keys(projection).length === 0) return (doc) => doc;
  const query = new Query({});
  return (doc) => {
    let projected: Doc;
    try {
      projected = query.find<Doc>([doc], projection).all()[0] ?? {};
    } catch (err) {
      throw badValue(err);
    }
    const out: Doc = {};
    for (const key of Object.keys(doc)) if (key in projected) out[key] = projected[key];
    for (const key of Object.keys(projected)) if (!(key in out)) out[key] = projected[key];
    return out;
  };
}

/** Reads a command's `sort` option into a SortSpec (1 / -1 per field, `$natural` kept). */
export function parseSort(raw: unknown): SortSpec | null {
  if (!isPlainObject(raw) || Object.keys(raw).length === 0) return null;
  const sort: SortSpec = {};
  for (const [field, dir] of Object.entries(raw)) sort[field] = (toNumber(dir) ?? 1) < 0 ? -1 : 1;
  return sort;
}
