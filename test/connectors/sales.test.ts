import { salesConnector } from '../../connectors';
import { defineConnectorSuite, errorSummaries, mergeQuery } from '../helpers/connector-suite';

const suite = defineConnectorSuite({
  factory: salesConnector,
  keysOf: (world) => world.sales.map((contact) => contact.id),
  keyField: 'contactId',
  unknownKey: 'c-00000000',
});

describe('the sales connector', () => {
  const contactWith = (minOrders: number, needsOpenAndClosed = false) => {
    const closed = (stage: string) => stage === 'won' || stage === 'lost';
    const contact = suite.world.sales.find(
      (candidate) =>
        candidate.orders.length >= minOrders &&
        (!needsOpenAndClosed ||
          (candidate.opportunities.some((o) => closed(o.stage)) &&
            candidate.opportunities.some((o) => !closed(o.stage)))),
    );
    if (!contact) throw new TypeError(`The world has no contact with ${minOrders} orders`);
    return contact;
  };

  it('maps orders, items and opportunities to the graph, with stages as enum values', async () => {
    const contact = contactWith(3, true);
    const [profile] = await suite.profiles(
      [contact.id],
      /* GraphQL */ `
        {
          contactId
          currency
          lifetimeValue
          lastOrderAt
          openOpportunities
          orders {
            id
            date
            total
            items {
              sku
              product
              quantity
              unitPrice
              amount
            }
          }
          opportunities {
            id
            title
            stage
            amount
            expectedCloseDate
          }
        }
      `,
    );
    const byCloseDate = [...contact.opportunities].sort((a, b) =>
      a.expectedCloseDate.localeCompare(b.expectedCloseDate),
    );
    expect(profile).toEqual({
      contactId: contact.id,
      currency: 'USD',
      lifetimeValue: contact.lifetimeValue,
      lastOrderAt: contact.orders.at(-1)!.placedAt,
      openOpportunities: contact.opportunities.filter((o) => o.stage !== 'won' && o.stage !== 'lost').length,
      orders: contact.orders.map((order) => ({
        id: order.orderId,
        date: order.placedAt,
        total: order.total,
        items: order.lines.map((line) => ({
          sku: line.sku,
          product: line.description,
          quantity: line.qty,
          unitPrice: line.unitPrice,
          amount: Math.round(line.qty * line.unitPrice * 100) / 100,
        })),
      })),
      opportunities: byCloseDate.map((o) => ({ ...o, stage: o.stage.toUpperCase() })),
    });
  });

  it('returns the last N orders oldest first', async () => {
    const contact = contactWith(3);
    const [profile] = await suite.profiles<{ orders: { id: string }[] }>([contact.id], '{ orders(last: 2) { id } }');
    expect(profile!.orders.map((order) => order.id)).toEqual(contact.orders.slice(-2).map((order) => order.orderId));
  });

  it('filters opportunities by open and by stage', async () => {
    const contact = contactWith(0, true);
    const stage = contact.opportunities[0].stage;
    const [profile] = await suite.profiles<Record<'open' | 'closed' | 'atStage', { id: string }[]>>(
      [contact.id],
      `{ open: opportunities(open: true) { id } closed: opportunities(open: false) { id }
         atStage: opportunities(stage: ${stage.toUpperCase()}) { id } }`,
    );
    const ids = (keep: (s: string) => boolean) =>
      contact.opportunities
        .filter((o) => keep(o.stage))
        .map((o) => o.id)
        .sort();
    expect(profile!.open.map((o) => o.id).sort()).toEqual(ids((s) => s !== 'won' && s !== 'lost'));
    expect(profile!.closed.map((o) => o.id).sort()).toEqual(ids((s) => s === 'won' || s === 'lost'));
    expect(profile!.atStage.map((o) => o.id).sort()).toEqual(ids((s) => s === stage));
  });

  it('rejects a negative last with BAD_USER_INPUT', async () => {
    const result = await suite.execute(mergeQuery(suite.connector, '{ orders(last: -3) { id } }'), {
      keys: [contactWith(1).id],
    });
    expect(errorSummaries(result.errors)).toEqual([
      { code: 'BAD_USER_INPUT', connector: undefined, path: ['salesCustomers', 0, 'sales', 'orders'] },
    ]);
  });
});
