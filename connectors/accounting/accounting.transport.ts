import { z } from 'zod';
import type { ConnectorConfig } from '../../config';
import { createSiloClient, type ConnectorTransport } from '../kit';

// The accounting system's payloads, as its OpenAPI document describes them. Checked on arrival.
const accountSummarySchema = z.object({
  accountNumber: z.string(),
  name: z.string(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  taxId: z.string().nullable(),
});

const invoiceSchema = z.object({
  number: z.string(),
  issuedOn: z.string(),
  dueOn: z.string(),
  totalMinor: z.number().int(),
  paidMinor: z.number().int(),
  status: z.enum(['paid', 'open', 'overdue', 'void']),
});

const paymentSchema = z.object({
  id: z.string(),
  receivedOn: z.string(),
  amountMinor: z.number().int(),
  invoiceNumber: z.string().nullable(),
  method: z.enum(['card', 'transfer', 'direct_debit']),
});

const accountSchema = accountSummarySchema.extend({
  currency: z.string(),
  balanceMinor: z.number().int(),
  overdueMinor: z.number().int(),
  invoices: z.array(invoiceSchema),
  payments: z.array(paymentSchema),
});

const batchAnswer = z.object({ accounts: z.array(accountSchema), missing: z.array(z.string()).optional() });
const directoryAnswer = z.object({ items: z.array(accountSummarySchema), nextCursor: z.string().nullable() });

/** An account as the accounting system sends it (amounts in minor units). */
export type AccountRecord = z.infer<typeof accountSchema>;
/** An invoice as the accounting system sends it. */
export type InvoiceRecord = z.infer<typeof invoiceSchema>;
/** A payment as the accounting system sends it. */
export type PaymentRecord = z.infer<typeof paymentSchema>;

/** Creates the only code that talks to the accounting system: accounts by account number. */
export function createAccountingTransport(config: ConnectorConfig): ConnectorTransport<AccountRecord> {
  const client = createSiloClient('accounting', config);
  return {
    async fetch(accountNumbers) {
      const answer = await client.post('/accounts/batch', { accountNumbers }, batchAnswer, { read: true });
      return new Map(answer.accounts.map((account) => [account.accountNumber, account]));
    },
    async *directory(pageSize) {
      let cursor: string | null = null;
      do {
        const params: Record<string, string | number> = { limit: pageSize };
        if (cursor) params.cursor = cursor;
        const page = await client.get('/accounts', directoryAnswer, params);
        yield page.items.map((item) => ({
          key: item.accountNumber,
          name: item.name,
          emails: item.email ? [item.email] : [],
          phones: item.phone ? [item.phone] : [],
          taxNumbers: item.taxId ? [item.taxId] : [],
        }));
        cursor = page.nextCursor;
      } while (cursor);
    },
    health: () => client.health(),
  };
}
