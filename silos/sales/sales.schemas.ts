import { decimal, integer, list, nullableText, object, oneOf, text, type JsonSchema } from '../common/schemas';

/** The fields of `ContactSummary`; fastify's serializer sends only these where the summary is answered. */
const summaryFields: Record<string, JsonSchema> = {
  id: text('The CRM contact id, the key.', 'c-5f3a9b2e'),
  firstName: text('As typed by the sales rep.', 'Jane'),
  lastName: text('As typed by the sales rep.', 'Doe'),
  email: text('As typed by the sales rep: any case, stray spaces included.', ' Jane.Doe@Example.COM'),
  mobile: nullableText('Mobile number, or null if none was recorded.', '+1 415-555-0132'),
};

/** A contact as directory and search list it. */
export const contactSummarySchema = object(summaryFields, 'A contact, as the directory and search list it.');

const lineSchema = object({
  sku: text('Catalogue SKU.', 'SKU-1042'),
  description: text('Product name.', 'Widget Pro'),
  qty: integer('Quantity.', 1),
  unitPrice: decimal('Unit price, USD.'),
});

const orderSchema = object({
  orderId: text('Sales order number.', 'SO-100234'),
  placedAt: text('When the order was placed (ISO time).', '2026-02-01T10:11:12.000Z'),
  total: decimal('Sum of qty × unitPrice over the lines, USD.'),
  lines: list(lineSchema),
});

const opportunitySchema = object({
  id: text('Opportunity id.', 'OPP-0042'),
  title: text('What is being sold.'),
  stage: oneOf('Pipeline stage; `won` and `lost` are closed.', [
    'prospecting',
    'proposal',
    'negotiation',
    'won',
    'lost',
  ]),
  amount: decimal('Expected value, USD.'),
  expectedCloseDate: text('Expected (or actual, once closed) close date.', '2026-06-30'),
});

/** A full contact: the summary, order history and pipeline. */
export const contactSchema = object(
  {
    ...summaryFields,
    lifetimeValue: decimal('Sum of all order totals, USD.'),
    orders: list(orderSchema, 'Oldest first.'),
    opportunities: list(opportunitySchema),
  },
  'A contact with orders and opportunities.',
);
