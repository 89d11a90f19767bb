import type { Document } from 'mongodb';
import type { FigureType } from '../connectors/kit';

/** A figure's value as snapshots store it (Int and Float as numbers, DateTime as Date). */
export type FigureScalar = number | string | Date;

/** One condition on one figure, already checked against the figure's type. */
export type FigureCondition =
  | { path: string; op: 'gt' | 'gte' | 'lt' | 'lte' | 'eq'; value: FigureScalar }
  | { path: string; op: 'in'; values: FigureScalar[] };

/** Ordering by one figure; ties are broken by hub id in the same direction, nulls always last. */
export interface SnapshotSort {
  path: string;
  type: FigureType;
  direction: 1 | -1;
}

/**
 * Where a page starts: after the customer with hub id `id`. For a sorted query `value` is that
 * customer's value of the sort figure (null when they have none: the nulls at the end).
 */
export interface SnapshotPosition {
  id: string;
  value?: FigureScalar | null;
}

/** One `find` to run: its filter and sort. A page runs these in order until it is full. */
export interface SnapshotFind {
  filter: Document;
  sort: Record<string, 1 | -1>;
}

// The lowest value of each type in MongoDB's order. A range from here selects every value of the
// type and no null or missing one, so "has a value" is an index range (a `$ne: null` is not).
const FLOOR: Record<FigureType, FigureScalar> = {
  Float: -Infinity,
  Int: -Infinity,
  DateTime: new Date(-8_640_000_000_000_000),
  String: '',
};

/** Orders two values of one type as MongoDB does (strings bytewise in UTF-8, as its simple collation). */
export function compareFigures(a: FigureScalar, b: FigureScalar): number {
  if (typeof a === 'string' && typeof b === 'string')
    return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
  const x = a instanceof Date ? a.getTime() : Number(a);
  const y = b instanceof Date ? b.getTime() : Number(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

type Operators = Record<string, FigureScalar | FigureScalar[]>;

/**
 * Adds a bound to a field's operators, keeping only the tighter of two bounds on one side: the
 * embedded server (like a single-field index bound) uses one lower and one upper bound per field.
 */
function addBound(ops: Operators, side: 'lower' | 'upper', value: FigureScalar, inclusive: boolean): void {
  const [strict, loose] = side === 'lower' ? ['$gt', '$gte'] : ['$lt', '$lte'];
  const current = (ops[strict] ?? ops[loose]) as FigureScalar | undefined;
  if (current !== undefined) {
    const order = compareFigures(value, current) * (side === 'lower' ? 1 : -1);
    const currentInclusive = ops[loose] !== undefined;
    // Keep the current bound when it is tighter, or equal and at least as strict.
    if (order < 0 || (order === 0 && (!currentInclusive || inclusive))) return;
    delete ops[strict];
    delete ops[loose];
  }
  ops[inclusive ? loose : strict] = value;
}

function operatorsByPath(conditions: readonly FigureCondition[]): Map<string, Operators> {
  const byPath = new Map<string, Operators>();
  for (const condition of conditions) {
    const ops = byPath.get(condition.path) ?? {};
    byPath.set(condition.path, ops);
    if (condition.op === 'in') ops.$in = condition.values;
    else if (condition.op === 'eq') ops.$eq = condition.value;
    else addBound(ops, condition.op.startsWith('g') ? 'lower' : 'upper', condition.value, condition.op.endsWith('e'));
  }
  return byPath;
}

function toFilter(byPath: Map<string, Operators>, extra: Document = {}): Document {
  const filter: Document = {};
  for (const [path, ops] of byPath) filter[path] = { ...ops };
  return { ...filter, ...extra };
}

/**
 * Translates a snapshot query into the finds a page runs, each answerable from one `fig_*` index:
 *
 * - no sort: hub-id order, `_id > after`;
 * - sorted: first the customers with a value, `{ figure: dir, _id: dir }` with the keyset cursor
 *   folded into the figure's range (so a deep page starts its index walk at the cursor), then,
 *   unless a condition on the sort figure already excludes them, the customers without one
 *   (`figure: null`, in hub-id order), so nulls come last in both directions.
 */
export function planSnapshotFinds(
  conditions: readonly FigureCondition[],
  sort: SnapshotSort | null,
  after: SnapshotPosition | null,
): SnapshotFind[] {
  const byPath = operatorsByPath(conditions);
  if (sort === null) {
    return [{ filter: toFilter(byPath, after ? { _id: { $gt: after.id } } : {}), sort: { _id: 1 } }];
  }
  const finds: SnapshotFind[] = [];
  const inNulls = after !== null && (after.value === null || after.value === undefined);
  if (!inNulls) {
    const values = new Map([...byPath].map(([path, ops]) => [path, { ...ops }]));
    const ops = values.get(sort.path) ?? {};
    values.set(sort.path, ops);
    // Every condition on a figure already excludes nulls; without one, the type's range does.
    if (Object.keys(ops).length === 0) ops.$gte = FLOOR[sort.type];
    let extra: Document = {};
    if (after) {
      const value = after.value as FigureScalar;
      const down = sort.direction === -1;
      addBound(ops, down ? 'upper' : 'lower', value, true);
      const past = down ? '$lt' : '$gt';
      extra = { $or: [{ [sort.path]: { [past]: value } }, { _id: { [past]: after.id } }] };
    }
    finds.push({ filter: toFilter(values, extra), sort: { [sort.path]: sort.direction, _id: sort.direction } });
  }
  if (!byPath.has(sort.path)) {
    const extra: Document = { [sort.path]: null };
    if (inNulls) extra._id = { $gt: after.id };
    finds.push({ filter: toFilter(byPath, extra), sort: { [sort.path]: 1, _id: 1 } });
  }
  return finds;
}

/** The filter that counts every customer a query selects, whatever the page. */
export function countFilter(conditions: readonly FigureCondition[]): Document {
  return toFilter(operatorsByPath(conditions));
}
