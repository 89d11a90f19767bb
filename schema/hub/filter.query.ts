import type { FigureCondition, FigureScalar, SnapshotPosition, SnapshotSort } from '../../store/snapshot.query';
import type { SnapshotDocument, SnapshotQuery } from '../../store/snapshot.repository';
import { badUserInput } from '../errors';
import type { CatalogFigure } from '../snapshot/figures';
import { decodeCursor, encodeCursor } from './cursor';
import {
  MAX_IN_VALUES,
  SortDirection,
  type CustomerFilterInput,
  type CustomerOrderInput,
  type ScalarFilterInput,
} from './filter.types';

const OPERATORS = ['gt', 'gte', 'lt', 'lte', 'eq', 'in'] as const;
const SORTED_PREFIX = 'snapshot:';

/** A sort with the figure it orders by. */
export interface FigureSort extends SnapshotSort {
  figure: CatalogFigure;
}

/** What a sorted cursor holds: the order it belongs to and the position in it. */
interface SortedCursor {
  f: string;
  d: SortDirection;
  /** The sort figure's value (a DateTime as ISO text); null in the customers without one. */
  v: number | string | null;
  id: string;
}

/** `filter` as conditions on figure paths; BAD_USER_INPUT names the argument and the figure. */
export function toConditions(
  catalog: readonly CatalogFigure[],
  filter: CustomerFilterInput | null | undefined,
): FigureCondition[] {
  const conditions: FigureCondition[] = [];
  if (!filter) return conditions;
  for (const figure of catalog) {
    const input: ScalarFilterInput | null | undefined = filter[figure.connector]?.[figure.name];
    if (!input) continue;
    for (const op of OPERATORS) {
      const value = input[op];
      // An explicit null is the same as leaving the condition out.
      if (value === null || value === undefined) continue;
      if (op === 'in') {
        const values = value as string[];
        if (values.length > MAX_IN_VALUES) {
          throw badUserInput(
            `Argument "filter" may list at most ${MAX_IN_VALUES} values in filter.${figure.connector}.${figure.name}.in, found ${values.length}`,
            'filter',
          );
        }
        conditions.push({ path: figure.path, op, values });
      } else {
        conditions.push({ path: figure.path, op, value: value as FigureScalar });
      }
    }
  }
  return conditions;
}

/** `orderBy` as a sort on a figure's path. */
export function toSort(
  catalog: readonly CatalogFigure[],
  orderBy: CustomerOrderInput | null | undefined,
): FigureSort | null {
  if (!orderBy) return null;
  const figure = catalog.find((f) => f.enumName === orderBy.field);
  // GraphQL validation only lets known enum values through; this guards against a stale gateway.
  if (!figure)
    throw badUserInput(`Argument "orderBy" names a figure this hub does not have: ${orderBy.field}`, 'orderBy');
  return { figure, path: figure.path, type: figure.type, direction: orderBy.direction === SortDirection.ASC ? 1 : -1 };
}

/** A customer's value of a figure in a snapshot; null when the system does not know them or has none. */
export function figureValue(doc: SnapshotDocument, figure: CatalogFigure): FigureScalar | null {
  const value = doc.figures[figure.connector]?.[figure.name];
  return value === undefined ? null : value;
}

/** The cursor of a customer in a list: hub-id order unsorted, or its place in the sort. */
export function snapshotCursor(doc: SnapshotDocument, sort: FigureSort | null): string {
  if (sort === null) return encodeCursor(doc._id);
  const value = figureValue(doc, sort.figure);
  const cursor: SortedCursor = {
    f: sort.figure.enumName,
    d: sort.direction === 1 ? SortDirection.ASC : SortDirection.DESC,
    v: value instanceof Date ? value.toISOString() : value,
    id: doc._id,
  };
  return Buffer.from(SORTED_PREFIX + JSON.stringify(cursor), 'utf8').toString('base64url');
}

function parseSorted(cursor: string): SortedCursor | null {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!text.startsWith(SORTED_PREFIX)) return null;
  try {
    const parsed: unknown = JSON.parse(text.slice(SORTED_PREFIX.length));
    if (typeof parsed !== 'object' || parsed === null) return null;
    const { f, d, v, id } = parsed as Record<string, unknown>;
    if (
      typeof f !== 'string' ||
      (d !== SortDirection.ASC && d !== SortDirection.DESC) ||
      typeof id !== 'string' ||
      id === ''
    )
      return null;
    if (v !== null && typeof v !== 'number' && typeof v !== 'string') return null;
    return { f, d, v, id };
  } catch {
    return null;
  }
}

/** The value in a cursor, checked against the sort figure's type; undefined when it does not fit. */
function cursorValue(v: number | string | null, sort: FigureSort): FigureScalar | null | undefined {
  if (v === null) return null;
  if (sort.type === 'Float' || sort.type === 'Int') return typeof v === 'number' ? v : undefined;
  if (sort.type === 'String') return typeof v === 'string' ? v : undefined;
  const date = typeof v === 'string' ? new Date(v) : null;
  return date && !Number.isNaN(date.getTime()) ? date : undefined;
}

/** Where `after` says the page starts; BAD_USER_INPUT for a cursor of another list or order. */
export function toPosition(after: string | null | undefined, sort: FigureSort | null): SnapshotPosition | null {
  if (after === null || after === undefined) return null;
  if (sort === null) return { id: decodeCursor(after) };
  const cursor = parseSorted(after);
  if (cursor === null)
    throw badUserInput(`Argument "after" is not a cursor this API returned for an ordered list: "${after}"`, 'after');
  const direction = sort.direction === 1 ? SortDirection.ASC : SortDirection.DESC;
  if (cursor.f !== sort.figure.enumName || cursor.d !== direction) {
    throw badUserInput(
      `Argument "after" is a cursor of a list ordered by ${cursor.f} ${cursor.d}, not by ${sort.figure.enumName} ${direction}: ask for the first page of this order again`,
      'after',
    );
  }
  const value = cursorValue(cursor.v, sort);
  if (value === undefined)
    throw badUserInput(`Argument "after" is not a cursor this API returned for an ordered list: "${after}"`, 'after');
  return { id: cursor.id, value };
}

/** Translates the `customers` arguments into a snapshot query, checking every one. */
export function toSnapshotQuery(
  catalog: readonly CatalogFigure[],
  args: {
    first: number;
    after?: string | null;
    filter?: CustomerFilterInput | null;
    orderBy?: CustomerOrderInput | null;
  },
): SnapshotQuery & { sort: FigureSort | null } {
  const sort = toSort(catalog, args.orderBy);
  return {
    conditions: toConditions(catalog, args.filter),
    sort,
    first: args.first,
    after: toPosition(args.after, sort),
  };
}

/** The oldest time any figure on the page was read from its system; null when none was. */
export function oldestFigure(docs: readonly SnapshotDocument[]): Date | null {
  let oldest: Date | null = null;
  for (const doc of docs) for (const at of Object.values(doc.asOf)) if (oldest === null || at < oldest) oldest = at;
  return oldest;
}
