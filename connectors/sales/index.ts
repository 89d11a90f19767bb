// Public API of the sales connector: its factory.
import { defineConnector } from '../kit';
import { SALES_FIGURES } from './sales.figures';
import { toSalesProfile } from './sales.mapper';
import { SalesProfileResolver } from './sales.resolver';
import { createSalesTransport } from './sales.transport';
import { SalesProfile } from './sales.types';

/** The sales department: lifetime value, orders and opportunities, keyed by CRM contact id. */
export const salesConnector = defineConnector({
  name: 'sales',
  description: 'Sales: lifetime value, orders and opportunities, keyed by CRM contact id.',
  key: { name: 'contact id' },
  graph: {
    type: SalesProfile,
    description: 'The customer in the sales CRM; null when sales has no contact for them.',
    from: toSalesProfile,
    example: /* GraphQL */ `
      {
        lifetimeValue
        orders(last: 5) {
          id
          date
          total
          items {
            sku
            quantity
          }
        }
      }
    `,
    resolvers: [SalesProfileResolver],
  },
  transport: ({ config }) => createSalesTransport(config),
  figures: SALES_FIGURES,
});
