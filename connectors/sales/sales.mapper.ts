import type { ContactRecord, OpportunityRecord, OrderRecord } from './sales.transport';
import { type Opportunity, OpportunityStage, type Order, type SalesProfile } from './sales.types';

/** The CRM keeps every amount in US dollars. */
const SALES_CURRENCY = 'USD';

const toCents = (amount: number): number => Math.round(amount * 100) / 100;

const opportunityStage: Record<OpportunityRecord['stage'], OpportunityStage> = {
  prospecting: OpportunityStage.PROSPECTING,
  proposal: OpportunityStage.PROPOSAL,
  negotiation: OpportunityStage.NEGOTIATION,
  won: OpportunityStage.WON,
  lost: OpportunityStage.LOST,
};

/** Won and lost opportunities are closed; every other stage is still open. */
export function isOpenStage(stage: OpportunityStage): boolean {
  return stage !== OpportunityStage.WON && stage !== OpportunityStage.LOST;
}

function toOrder(record: OrderRecord): Order {
  return {
    id: record.orderId,
    date: new Date(record.placedAt),
    total: record.total,
    items: record.lines.map((line) => ({
      sku: line.sku,
      product: line.description,
      quantity: line.qty,
      unitPrice: line.unitPrice,
      amount: toCents(line.qty * line.unitPrice),
    })),
  };
}

function toOpportunity(record: OpportunityRecord): Opportunity {
  return {
    id: record.id,
    title: record.title,
    stage: opportunityStage[record.stage],
    amount: record.amount,
    expectedCloseDate: record.expectedCloseDate,
  };
}

/** Maps the CRM's contact record to the graph's `SalesProfile`. */
export function toSalesProfile(record: ContactRecord): Omit<SalesProfile, 'freshness'> {
  const orders = record.orders.map(toOrder);
  // The CRM lists opportunities in no stated order; `last` needs one, so: by expected close date.
  // ISO dates compare correctly as strings, and Array.prototype.sort is stable.
  const opportunities = record.opportunities
    .map(toOpportunity)
    .sort((a, b) =>
      a.expectedCloseDate < b.expectedCloseDate ? -1 : a.expectedCloseDate > b.expectedCloseDate ? 1 : 0,
    );
  return {
    contactId: record.id,
    currency: SALES_CURRENCY,
    lifetimeValue: record.lifetimeValue,
    openOpportunities: opportunities.filter((opportunity) => isOpenStage(opportunity.stage)).length,
    lastOrderAt: orders.at(-1)?.date ?? null,
    allOrders: orders,
    allOpportunities: opportunities,
  };
}
