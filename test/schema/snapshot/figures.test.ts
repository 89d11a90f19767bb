import { figureCatalog } from '../../../schema/snapshot';

describe('the figure catalog', () => {
  it('derives the document path, enum value and index name of every figure', () => {
    expect(
      figureCatalog([
        { name: 'support', figures: [{ name: 'urgentOpenTickets', type: 'Int', description: 'Urgent.' }] },
      ]),
    ).toEqual([
      {
        connector: 'support',
        name: 'urgentOpenTickets',
        type: 'Int',
        description: 'Urgent.',
        path: 'figures.support.urgentOpenTickets',
        enumName: 'SUPPORT_URGENT_OPEN_TICKETS',
        indexName: 'fig_support_urgentOpenTickets',
      },
    ]);
  });

  it('refuses a figure name the store or the graph cannot carry, with a sentence naming it', () => {
    expect(() =>
      figureCatalog([{ name: 'sales', figures: [{ name: 'orders.total', type: 'Float', description: 'x' }] }]),
    ).toThrow(
      'The sales connector declares a figure named "orders.total"; expected a camelCase name like "overdueAmount".',
    );
  });

  it('refuses two figures that would share an enum value', () => {
    const twice = { name: 'lastOrderAt', type: 'DateTime' as const, description: 'x' };
    expect(() => figureCatalog([{ name: 'sales', figures: [twice, twice] }])).toThrow(
      /declares the figure "lastOrderAt" twice/,
    );
  });
});
