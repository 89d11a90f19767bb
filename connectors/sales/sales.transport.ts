import { z } from 'zod';
import type { ConnectorConfig } from '../../config';
import { createSiloClient, type ConnectorTransport } from '../kit';

// The sales CRM's payloads, as its OpenAPI document describes them. Checked on arrival.
const contactSummarySchema = z.object({
  id: z.string(),
  firstName: z.string(),
  lastName: z.string(),
  email: z.string().nullable(),
  mobile: z.string().nullable(),
});

const orderLineSchema = z.object({
  sku: z.string(),
  description: z.string(),
  qty: z.number().int(),
  unitPrice: z.number(),
});

const orderSchema = z.object({
  orderId: z.string(),
  placedAt: z.iso.datetime({ offset: true }),
  total: z.number(),
  lines: z.array(orderLineSchema),
});

const opportunitySchema = z.object({
  id: z.string(),
  title: z.string(),
  stage: z.enum(['prospecting', 'proposal', 'negotiation', 'won', 'lost']),
  amount: z.number(),
  expectedCloseDate: z.iso.date(),
});

const contactSchema = contactSummarySchema.extend({
  lifetimeValue: z.number(),
  orders: z.array(orderSchema),
  opportunities: z.array(opportunitySchema),
});

const batchAnswer = z.object({ data: z.array(contactSchema) });
const directoryAnswer = z.object({
  data: z.array(contactSummarySchema),
  page: z.number().int(),
  pageSize: z.number().int(),
  total: z.number().int(),
});

/** A contact as the sales CRM sends it (amounts in USD). */
export type ContactRecord = z.infer<typeof contactSchema>;
/** An order as the sales CRM sends it. */
export type OrderRecord = z.infer<typeof orderSchema>;
/** An opportunity as the sales CRM sends it. */
export type OpportunityRecord = z.infer<typeof opportunitySchema>;

/** Creates the sales transport from the connector's configuration. */
export function createSalesTransport(config: ConnectorConfig): ConnectorTransport<ContactRecord> {
  const client = createSiloClient('sales', config);
  return {
    async fetch(ids) {
      const answer = await client.post('/contacts/batch', { ids }, batchAnswer, { read: true });
      return new Map(answer.data.map((contact) => [contact.id, contact]));
    },
    async *directory(pageSize) {
      let seen = 0;
      for (let page = 1; ; page += 1) {
        const answer = await client.get('/contacts', directoryAnswer, { page, pageSize });
        yield answer.data.map((item) => ({
          key: item.id,
          name: `${item.firstName} ${item.lastName}`,
          emails: item.email ? [item.email] : [],
          phones: item.mobile ? [item.mobile] : [],
          taxNumbers: [],
        }));
        seen += answer.data.length;
        // An empty page ends the walk even if `total` grew meanwhile: never loop forever.
        if (answer.data.length === 0 || seen >= answer.total) return;
      }
    },
    health: () => client.health(),
  };
}
