import { GraphQLError } from 'graphql';
import { encodeCursor, listKey, PLAIN_LIST } from '../../../schema/hub/cursor';
import { snapshotCursor, toConditions, toPosition, toSnapshotQuery, toSort } from '../../../schema/hub/filter.query';
import { SortDirection } from '../../../schema/hub/filter.types';
import { figureCatalog } from '../../../schema/snapshot';
import type { SnapshotDocument } from '../../../store';

const catalog = figureCatalog([
  { name: 'accounting', figures: [{ name: 'overdueAmount', type: 'Float', description: 'Past due.' }] },
  { name: 'sales', figures: [{ name: 'lastOrderAt', type: 'DateTime', description: 'Last order.' }] },
  { name: 'credit', figures: [{ name: 'riskBand', type: 'String', description: 'Grade.' }] },
]);

function doc(id: string, figures: SnapshotDocument['figures']): SnapshotDocument {
  return { _id: id, name: 'N', emails: [], phones: [], links: [], figures, asOf: {}, runId: 'r', syncedAt: new Date() };
}

/** The error a call throws, as a GraphQLError's code and argument. */
function refusal(call: () => unknown): { code: unknown; argument: unknown } {
  try {
    call();
  } catch (error) {
    if (error instanceof GraphQLError) return { code: error.extensions.code, argument: error.extensions.argument };
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('the customers filter and order arguments', () => {
  it('turns each given operator into a condition on the figure path, ignoring explicit nulls', () => {
    expect(
      toConditions(catalog, {
        accounting: { overdueAmount: { gt: 1000, lte: null } },
        credit: { riskBand: { in: ['D', 'E'] } },
        sales: null,
      }),
    ).toEqual([
      { path: 'figures.accounting.overdueAmount', op: 'gt', value: 1000 },
      { path: 'figures.credit.riskBand', op: 'in', values: ['D', 'E'] },
    ]);
  });

  it('refuses an `in` of more than 100 values, naming the filter argument and the figure', () => {
    const values = Array.from({ length: 101 }, (_, i) => String(i));
    expect(refusal(() => toConditions(catalog, { credit: { riskBand: { in: values } } }))).toEqual({
      code: 'BAD_USER_INPUT',
      argument: 'filter',
    });
    expect(() => toConditions(catalog, { credit: { riskBand: { in: values } } })).toThrow(
      /filter\.credit\.riskBand\.in, found 101/,
    );
  });

  it('gives a sorted list cursors that carry the sort value, dates included, and reads them back', () => {
    const sort = toSort(catalog, { field: 'SALES_LAST_ORDER_AT', direction: SortDirection.ASC })!;
    const list = listKey([], 'SALES_LAST_ORDER_AT ASC');
    const at = new Date('2026-03-04T05:06:07.089Z');
    expect(toPosition(snapshotCursor(doc('cus_1', { sales: { lastOrderAt: at } }), sort, list), sort, list)).toEqual({
      id: 'cus_1',
      value: at,
    });
    expect(toPosition(snapshotCursor(doc('cus_2', {}), sort, list), sort, list)).toEqual({ id: 'cus_2', value: null });
  });

  it('refuses a cursor from another order, another filter or the plain list as BAD_USER_INPUT on after', () => {
    const overdue = { accounting: { overdueAmount: { gt: 1000 } } };
    const desc = { field: 'ACCOUNTING_OVERDUE_AMOUNT', direction: SortDirection.DESC };
    const first = toSnapshotQuery(catalog, { first: 5, filter: overdue, orderBy: desc });
    const cursor = snapshotCursor(doc('cus_1', { accounting: { overdueAmount: 5000 } }), first.sort, first.list);
    // The same list again: accepted.
    expect(toSnapshotQuery(catalog, { first: 5, filter: overdue, orderBy: desc, after: cursor }).after).toEqual({
      id: 'cus_1',
      value: 5000,
    });
    const elsewhere = [
      { filter: overdue, orderBy: { ...desc, direction: SortDirection.ASC } },
      { filter: { accounting: { overdueAmount: { gt: 999 } } }, orderBy: desc },
      { filter: null, orderBy: desc },
      { filter: overdue, orderBy: null },
    ];
    for (const args of elsewhere) {
      expect(refusal(() => toSnapshotQuery(catalog, { first: 5, ...args, after: cursor }))).toEqual({
        code: 'BAD_USER_INPUT',
        argument: 'after',
      });
    }
    const plain = encodeCursor({ l: PLAIN_LIST, o: null, id: 'cus_1' });
    expect(refusal(() => toSnapshotQuery(catalog, { first: 5, filter: overdue, after: plain }))).toEqual({
      code: 'BAD_USER_INPUT',
      argument: 'after',
    });
    expect(() => toSnapshotQuery(catalog, { first: 5, filter: overdue, after: plain })).toThrow(
      /a cursor of another list \(in hub-id order, without a filter\)/,
    );
  });

  it('binds a cursor to what the filter means, not how it is written', () => {
    const a = toSnapshotQuery(catalog, { first: 5, filter: { credit: { riskBand: { in: ['D', 'E'] } } } });
    const b = toSnapshotQuery(catalog, { first: 5, filter: { credit: { riskBand: { in: ['E', 'D'], eq: null } } } });
    expect(a.list).toBe(b.list);
  });

  it('refuses a forged or version-1 cursor, and one whose sort value has the wrong type', () => {
    const sort = toSort(catalog, { field: 'ACCOUNTING_OVERDUE_AMOUNT', direction: SortDirection.DESC })!;
    const list = listKey([], 'ACCOUNTING_OVERDUE_AMOUNT DESC');
    const wrongType = encodeCursor({ l: list, o: 'ACCOUNTING_OVERDUE_AMOUNT DESC', id: 'cus_1', v: 'many' });
    expect(refusal(() => toPosition(wrongType, sort, list))).toEqual({ code: 'BAD_USER_INPUT', argument: 'after' });
    const version1 = Buffer.from('customer:cus_1').toString('base64url');
    expect(refusal(() => toPosition(version1, null, PLAIN_LIST))).toEqual({
      code: 'BAD_USER_INPUT',
      argument: 'after',
    });
    expect(refusal(() => toPosition('x'.repeat(100_000), null, PLAIN_LIST))).toEqual({
      code: 'BAD_USER_INPUT',
      argument: 'after',
    });
  });
});
