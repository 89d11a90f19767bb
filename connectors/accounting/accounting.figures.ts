import type { FigureDefinition, FigureValues } from '../kit';
import type { AccountRecord } from './accounting.transport';

/** What accounting contributes to the customer-360 snapshot. */
export const ACCOUNTING_FIGURES: readonly FigureDefinition[] = [
  { name: 'balance', type: 'Float', description: 'Total the customer owes, in the account currency.' },
  { name: 'overdueAmount', type: 'Float', description: 'The part of the balance that is past due.' },
  { name: 'openInvoices', type: 'Int', description: 'Invoices not yet paid in full (open or overdue).' },
  { name: 'lastInvoiceAt', type: 'DateTime', description: 'When the most recent invoice was issued.' },
];

/** One account's figures (amounts from minor units to currency units). */
export function summarizeAccount(account: AccountRecord): FigureValues {
  const last = account.invoices.at(-1);
  return {
    balance: account.balanceMinor / 100,
    overdueAmount: account.overdueMinor / 100,
    openInvoices: account.invoices.filter((invoice) => invoice.status === 'open' || invoice.status === 'overdue')
      .length,
    lastInvoiceAt: last ? new Date(`${last.issuedOn}T00:00:00.000Z`) : null,
  };
}
