import type { FigureCondition, FigureScalar, SnapshotPosition, SnapshotSort } from '../../store/snapshot.query';
import type { SnapshotDocument, SnapshotQuery } from '../../store/snapshot.repository';
import { badUserInput } from '../errors';
import type { CatalogFigure } from '../snapshot/figures';
import { decodeCursor, encodeCursor, listKey } from './cursor';
import {
  MAX_IN_VALUES,
  SortDirection,
  type CustomerFilterInput,
  type CustomerOrderInput,
  type ScalarFilterInput,
} from './filter.types';

const OPERATORS = ['gt', 'gte', 'lt', 'lte', 'eq', 'in'] as const;

/** A sort with the figure it orders by. */
export interface FigureSort extends SnapshotSort {
  figure: CatalogFigure;
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

/** A sort's order as cursors and messages name it, e.g. `ACCOUNTING_OVERDUE_AMOUNT DESC`. */
function orderName(sort: FigureSort | null): string | null {
  return sort === null
    ? null
    : `${sort.figure.enumName} ${sort.direction === 1 ? SortDirection.ASC : SortDirection.DESC}`;
}

/** The cursor of a customer in a filtered or ordered list: its place in that list. */
export function snapshotCursor(doc: SnapshotDocument, sort: FigureSort | null, list: string): string {
  if (sort === null) return encodeCursor({ l: list, o: null, id: doc._id });
  const value = figureValue(doc, sort.figure);
  return encodeCursor({
    l: list,
    o: orderName(sort),
    id: doc._id,
    v: value instanceof Date ? value.toISOString() : value,
  });
}

/** The value in a cursor, checked against the sort figure's type; undefined when it does not fit. */
function cursorValue(v: number | string | null | undefined, sort: FigureSort): FigureScalar | null | undefined {
  if (v === undefined) return undefined;
  if (v === null) return null;
  if (sort.type === 'Float' || sort.type === 'Int') return typeof v === 'number' ? v : undefined;
  if (sort.type === 'String') return typeof v === 'string' ? v : undefined;
  const date = typeof v === 'string' ? new Date(v) : null;
  return date && !Number.isNaN(date.getTime()) ? date : undefined;
}

/** Where `after` says the page starts; BAD_USER_INPUT for a cursor of another list. */
export function toPosition(
  after: string | null | undefined,
  sort: FigureSort | null,
  list: string,
): SnapshotPosition | null {
  if (after === null || after === undefined) return null;
  const cursor = decodeCursor(after, list);
  if (sort === null) return { id: cursor.id };
  const value = cursorValue(cursor.v, sort);
  if (value === undefined)
    throw badUserInput('Argument "after" is not a cursor this API returned for an ordered list', 'after');
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
): SnapshotQuery & { sort: FigureSort | null; list: string } {
  const sort = toSort(catalog, args.orderBy);
  const conditions = toConditions(catalog, args.filter);
  const list = listKey(conditions, orderName(sort));
  return { conditions, sort, list, first: args.first, after: toPosition(args.after, sort, list) };
}

/** The oldest time any figure on the page was read from its system; null when none was. */
export function oldestFigure(docs: readonly SnapshotDocument[]): Date | null {
  let oldest: Date | null = null;
  for (const doc of docs) for (const at of Object.values(doc.asOf)) if (oldest === null || at < oldest) oldest = at;
  return oldest;
}
