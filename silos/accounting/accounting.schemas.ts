import { integer, list, nullableText, object, oneOf, text, type JsonSchema } from '../common/schemas';

/** The fields of `AccountSummary`; fastify's serializer sends only these where the summary is answered. */
const summaryFields: Record<string, JsonSchema> = {
  accountNumber: text('The account number, the key: `AC-` and seven digits.', 'AC-0001234'),
  name: text('Surname first in upper case, then first name.', 'DOE, Jane'),
  email: text('As entered on the billing form.', 'Jane.Doe@example.com'),
  phone: text('US format.', '(415) 555-0132'),
  taxId: nullableText('Tax number, digits only; null if the account was opened without one.', '123456789'),
};

/** An account as directory and search list it. */
export const accountSummarySchema = object(summaryFields, 'An account, as the directory and search list it.');

const invoiceSchema = object({
  number: text('Invoice number.', 'INV-000123'),
  issuedOn: text('Issue date.', '2026-01-31'),
  dueOn: text('Due date.', '2026-03-02'),
  totalMinor: integer('Invoice total in minor units (cents).', 0),
  paidMinor: integer('Paid so far, minor units.', 0),
  status: oneOf('`overdue`: unpaid after its due date; `void`: cancelled, not owed.', [
    'paid',
    'open',
    'overdue',
    'void',
  ]),
});

const paymentSchema = object({
  id: text('Payment id.', 'PAY-000456'),
  receivedOn: text('Date received.', '2026-02-10'),
  amountMinor: integer('Amount in minor units.', 1),
  invoiceNumber: text('The invoice it pays.', 'INV-000123'),
  method: oneOf('How it was paid.', ['card', 'transfer', 'direct_debit']),
});

/** A full account: the summary, balances and the ledger. */
export const accountSchema = object(
  {
    ...summaryFields,
    currency: oneOf('Currency of every amount on the account.', ['USD', 'EUR', 'GBP']),
    balanceMinor: integer('Unpaid total of all invoices not void, minor units.', 0),
    overdueMinor: integer('Unpaid total of overdue invoices, minor units.', 0),
    invoices: list(invoiceSchema, 'Oldest first.'),
    payments: list(paymentSchema, 'Oldest first.'),
  },
  'An account with its invoices and payments.',
);
