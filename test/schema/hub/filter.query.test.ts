import { GraphQLError } from 'graphql';
import { encodeCursor, SortDirection, snapshotCursor, toConditions, toPosition, toSort } from '../../../schema/hub';
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
    const at = new Date('2026-03-04T05:06:07.089Z');
    expect(toPosition(snapshotCursor(doc('cus_1', { sales: { lastOrderAt: at } }), sort), sort)).toEqual({
      id: 'cus_1',
      value: at,
    });
    expect(toPosition(snapshotCursor(doc('cus_2', {}), sort), sort)).toEqual({ id: 'cus_2', value: null });
  });

  it('refuses a cursor from another list or order as BAD_USER_INPUT on after', () => {
    const byOverdue = toSort(catalog, { field: 'ACCOUNTING_OVERDUE_AMOUNT', direction: SortDirection.DESC })!;
    const byOverdueAsc = toSort(catalog, { field: 'ACCOUNTING_OVERDUE_AMOUNT', direction: SortDirection.ASC })!;
    const cursor = snapshotCursor(doc('cus_1', { accounting: { overdueAmount: 5 } }), byOverdue);
    expect(refusal(() => toPosition(cursor, byOverdueAsc))).toEqual({ code: 'BAD_USER_INPUT', argument: 'after' });
    expect(refusal(() => toPosition(encodeCursor('cus_1'), byOverdue))).toEqual({
      code: 'BAD_USER_INPUT',
      argument: 'after',
    });
    expect(refusal(() => toPosition(cursor, null))).toEqual({ code: 'BAD_USER_INPUT', argument: 'after' });
    const forged = Buffer.from(
      'snapshot:{"f":"ACCOUNTING_OVERDUE_AMOUNT","d":"DESC","v":"many","id":"cus_1"}',
    ).toString('base64url');
    expect(refusal(() => toPosition(forged, byOverdue))).toEqual({ code: 'BAD_USER_INPUT', argument: 'after' });
  });

  it('keeps the plain cursor for a filtered list in hub-id order', () => {
    expect(toPosition(encodeCursor('cus_9'), null)).toEqual({ id: 'cus_9' });
  });
});
