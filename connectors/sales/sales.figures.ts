import type { FigureDeclaration } from '../kit';
import type { SalesProfile } from './sales.types';

/** What sales contributes to the customer-360 snapshot, read from the graph's `SalesProfile`. */
export const SALES_FIGURES: ReadonlyArray<FigureDeclaration<SalesProfile>> = [
  {
    name: 'lifetimeValue',
    type: 'Float',
    description: 'Total of every order the customer placed, in USD.',
    of: (profile) => profile.lifetimeValue,
  },
  {
    name: 'orderCount',
    type: 'Int',
    description: 'How many orders the customer placed.',
    of: (profile) => profile.allOrders.length,
  },
  {
    name: 'lastOrderAt',
    type: 'DateTime',
    description: 'When the most recent order was placed.',
    of: (profile) => profile.lastOrderAt,
  },
  {
    name: 'openOpportunities',
    type: 'Int',
    description: 'Opportunities neither won nor lost.',
    of: (profile) => profile.openOpportunities,
  },
];
