import type { FigureDeclaration } from '../kit';
import { InvoiceStatus, type AccountingAccount } from './accounting.types';

/** What accounting contributes to the customer-360 snapshot, read from the graph's `AccountingAccount`. */
export const ACCOUNTING_FIGURES: ReadonlyArray<FigureDeclaration<AccountingAccount>> = [
  {
    name: 'balance',
    type: 'Float',
    description: 'Total the customer owes, in the account currency.',
    of: (account) => account.balance,
  },
  {
    name: 'overdueAmount',
    type: 'Float',
    description: 'The part of the balance that is past due.',
    of: (account) => account.overdueAmount,
  },
  {
    name: 'openInvoices',
    type: 'Int',
    description: 'Invoices not yet paid in full (open or overdue).',
    of: (account) =>
      account.allInvoices.filter(
        (invoice) => invoice.status === InvoiceStatus.OPEN || invoice.status === InvoiceStatus.OVERDUE,
      ).length,
  },
  {
    name: 'lastInvoiceAt',
    type: 'DateTime',
    description: 'When the most recent invoice was issued.',
    of: (account) => {
      const last = account.allInvoices.at(-1);
      return last ? new Date(`${last.issuedOn}T00:00:00.000Z`) : null;
    },
  },
];
