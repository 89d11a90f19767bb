import { countFilter, planSnapshotFinds, type FigureCondition, type SnapshotSort } from '../../store';

const OVERDUE = 'figures.accounting.overdueAmount';
const TICKETS = 'figures.support.openTickets';
const EXAMPLE: FigureCondition[] = [
  { path: OVERDUE, op: 'gt', value: 1000 },
  { path: TICKETS, op: 'gte', value: 2 },
];
const BY_OVERDUE_DESC: SnapshotSort = { path: OVERDUE, type: 'Float', direction: -1 };

describe('translating snapshot queries into MongoDB finds', () => {
  it('keeps hub-id order without a sort, starting after the cursor', () => {
    expect(planSnapshotFinds(EXAMPLE, null, { id: 'cus_5' })).toEqual([
      { filter: { [OVERDUE]: { $gt: 1000 }, [TICKETS]: { $gte: 2 }, _id: { $gt: 'cus_5' } }, sort: { _id: 1 } },
    ]);
  });

  it('sorts by the figure then the hub id in one direction, and skips the nulls when a condition excludes them', () => {
    expect(planSnapshotFinds(EXAMPLE, BY_OVERDUE_DESC, null)).toEqual([
      { filter: { [OVERDUE]: { $gt: 1000 }, [TICKETS]: { $gte: 2 } }, sort: { [OVERDUE]: -1, _id: -1 } },
    ]);
  });

  it('folds a descending cursor into the figure range and breaks ties by hub id', () => {
    const [find] = planSnapshotFinds(EXAMPLE, BY_OVERDUE_DESC, { id: 'cus_7', value: 2500 });
    expect(find.filter).toEqual({
      [OVERDUE]: { $gt: 1000, $lte: 2500 },
      [TICKETS]: { $gte: 2 },
      $or: [{ [OVERDUE]: { $lt: 2500 } }, { _id: { $lt: 'cus_7' } }],
    });
  });

  it('keeps the tighter of a condition and the cursor on the same side', () => {
    const conditions: FigureCondition[] = [{ path: OVERDUE, op: 'lt', value: 2000 }];
    expect(planSnapshotFinds(conditions, BY_OVERDUE_DESC, { id: 'a', value: 3000 })[0].filter[OVERDUE]).toEqual({
      $lt: 2000,
    });
    expect(planSnapshotFinds(conditions, BY_OVERDUE_DESC, { id: 'a', value: 1500 })[0].filter[OVERDUE]).toEqual({
      $lte: 1500,
    });
    expect(planSnapshotFinds(conditions, BY_OVERDUE_DESC, { id: 'a', value: 2000 })[0].filter[OVERDUE]).toEqual({
      $lt: 2000,
    });
  });

  it('orders customers without the figure after the others, ascending too, by a type range and a null look-up', () => {
    const sort: SnapshotSort = { path: TICKETS, type: 'Int', direction: 1 };
    expect(planSnapshotFinds([], sort, null)).toEqual([
      { filter: { [TICKETS]: { $gte: -Infinity } }, sort: { [TICKETS]: 1, _id: 1 } },
      { filter: { [TICKETS]: null }, sort: { [TICKETS]: 1, _id: 1 } },
    ]);
  });

  it('resumes inside the nulls from a cursor without a value', () => {
    const sort: SnapshotSort = { path: 'figures.sales.lastOrderAt', type: 'DateTime', direction: -1 };
    expect(planSnapshotFinds([], sort, { id: 'cus_9', value: null })).toEqual([
      {
        filter: { 'figures.sales.lastOrderAt': null, _id: { $gt: 'cus_9' } },
        sort: { 'figures.sales.lastOrderAt': 1, _id: 1 },
      },
    ]);
  });

  it('compares text bounds bytewise in UTF-8, as MongoDB does', () => {
    const band = 'figures.credit.riskBand';
    const sort: SnapshotSort = { path: band, type: 'String', direction: 1 };
    // In UTF-16 '\u{1F600}' (a surrogate pair, 0xD83D...) sorts before '\uFF01'; in UTF-8 after it.
    const [find] = planSnapshotFinds([{ path: band, op: 'gt', value: '\uFF01' }], sort, {
      id: 'a',
      value: '\u{1F600}',
    });
    expect(find.filter[band]).toEqual({ $gte: '\u{1F600}' });
  });

  it('counts with the conditions only, whatever the page', () => {
    expect(countFilter([...EXAMPLE, { path: 'figures.credit.riskBand', op: 'in', values: ['D', 'E'] }])).toEqual({
      [OVERDUE]: { $gt: 1000 },
      [TICKETS]: { $gte: 2 },
      'figures.credit.riskBand': { $in: ['D', 'E'] },
    });
  });
});
