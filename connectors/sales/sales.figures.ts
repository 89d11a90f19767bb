import type { FigureDefinition, FigureValues } from '../kit';
import type { ContactRecord } from './sales.transport';

const OPEN_STAGES = new Set(['prospecting', 'proposal', 'negotiation']);

/** What sales contributes to the customer-360 snapshot. */
export const SALES_FIGURES: readonly FigureDefinition[] = [
  { name: 'lifetimeValue', type: 'Float', description: 'Total of every order the customer placed, in USD.' },
  { name: 'orderCount', type: 'Int', description: 'How many orders the customer placed.' },
  { name: 'lastOrderAt', type: 'DateTime', description: 'When the most recent order was placed.' },
  { name: 'openOpportunities', type: 'Int', description: 'Opportunities neither won nor lost.' },
];

/** One contact's figures. */
export function summarizeContact(contact: ContactRecord): FigureValues {
  const last = contact.orders.at(-1);
  return {
    lifetimeValue: contact.lifetimeValue,
    orderCount: contact.orders.length,
    lastOrderAt: last ? new Date(last.placedAt) : null,
    openOpportunities: contact.opportunities.filter((opportunity) => OPEN_STAGES.has(opportunity.stage)).length,
  };
}
