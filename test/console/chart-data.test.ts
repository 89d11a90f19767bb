import { chartDataOf, defaultGroupColumn, MAX_GROUPS, mixedCurrencies } from '../../console/chart-data';

const band = { name: 'credit.riskBand', path: ['credit', 'riskBand'] };
const value = { name: 'sales.lifetimeValue', path: ['sales', 'lifetimeValue'] };
const lastOrder = { name: 'sales.lastOrderAt', path: ['sales', 'lastOrderAt'] };
const id = { name: 'id', path: ['id'] };

const ROWS = [
  { id: 'a', credit: { riskBand: 'B' }, sales: { lifetimeValue: 0.1, lastOrderAt: '2026-01-31T23:00:00.000Z' } },
  { id: 'b', credit: { riskBand: 'A' }, sales: { lifetimeValue: 0.2, lastOrderAt: '2026-01-02T08:00:00.000Z' } },
  { id: 'c', credit: { riskBand: 'B' }, sales: { lifetimeValue: 10, lastOrderAt: '2025-12-24T08:00:00.000Z' } },
  { id: 'd', credit: null, sales: { lifetimeValue: null, lastOrderAt: null } },
  { id: 'e', credit: { riskBand: 'A' }, sales: null },
];

describe('chartDataOf', () => {
  it('sums a column per group, largest bar first, empty groups named, cents not float drift', () => {
    expect(chartDataOf(ROWS, { kind: 'bar', value, groupBy: band, aggregate: 'sum' })).toEqual({
      labels: ['B', 'A', '(empty)'],
      values: [10.1, 0.2, 0],
      omittedGroups: 0,
      byMonth: false,
    });
  });

  it('averages over the rows that have a value, and counts every row', () => {
    // The empty group has no value to average: no bar, rather than a bar of 0.
    expect(chartDataOf(ROWS, { kind: 'bar', value, groupBy: band, aggregate: 'average' }).values).toEqual([
      5.05,
      0.2,
      null,
    ]);
    expect(chartDataOf(ROWS, { kind: 'bar', value, groupBy: band, aggregate: 'count' })).toMatchObject({
      labels: ['A', 'B', '(empty)'],
      values: [2, 2, 1],
    });
  });

  it('groups date-times by month, and a line follows its labels in order', () => {
    expect(chartDataOf(ROWS, { kind: 'line', value, groupBy: lastOrder, aggregate: 'sum' })).toEqual({
      labels: ['(empty)', '2025-12', '2026-01'],
      values: [0, 10, 0.3],
      omittedGroups: 0,
      byMonth: true,
    });
  });

  it(`keeps the ${MAX_GROUPS} largest bars and says how many it left out`, () => {
    const rows = Array.from({ length: MAX_GROUPS + 7 }, (_, index) => ({
      id: `c${index}`,
      sales: { lifetimeValue: index },
    }));
    const data = chartDataOf(rows, { kind: 'bar', value, groupBy: id, aggregate: 'sum' });
    expect(data.labels).toHaveLength(MAX_GROUPS);
    expect(data.labels[0]).toBe(`c${MAX_GROUPS + 6}`);
    expect(data.omittedGroups).toBe(7);
  });
});

describe('defaultGroupColumn', () => {
  it('starts with the column of fewest groups (two at least), not one bar per id', () => {
    // Bands and months both make 3 groups here: the first of them is kept.
    expect(defaultGroupColumn(ROWS, [id, band, lastOrder])).toBe(band);
    expect(defaultGroupColumn(ROWS, [id, lastOrder, band])).toBe(lastOrder);
    expect(defaultGroupColumn([ROWS[0]], [id, band])).toBe(id);
  });
});

describe('mixedCurrencies', () => {
  const amount = { name: 'sales.lifetimeValue', path: ['sales', 'lifetimeValue'] };
  const currency = { name: 'sales.currency', path: ['sales', 'currency'] };
  const balance = { name: 'accounting.balance', path: ['accounting', 'balance'] };
  const rows = [
    { sales: { lifetimeValue: 1, currency: 'USD' }, accounting: { balance: 1 } },
    { sales: { lifetimeValue: 2, currency: 'EUR' }, accounting: { balance: 2 } },
    { sales: null, accounting: null },
  ];

  it('names the currencies an amount is in when its rows mix them', () => {
    expect(mixedCurrencies(rows, [amount, currency, balance], amount)).toEqual(['EUR', 'USD']);
  });

  it('says nothing for one currency, or an amount with no currency column beside it', () => {
    expect(mixedCurrencies([rows[0], rows[2]], [amount, currency], amount)).toEqual([]);
    expect(mixedCurrencies(rows, [amount, currency, balance], balance)).toEqual([]);
  });
});
