// Public API of the accounting connector: its factory.
import { defineConnector } from '../kit';
import { ACCOUNTING_FIGURES } from './accounting.figures';
import { toAccountingAccount } from './accounting.mapper';
import { AccountingAccountResolver } from './accounting.resolver';
import { createAccountingTransport } from './accounting.transport';
import { AccountingAccount } from './accounting.types';

/** The accounting department: balances, invoices and payments, keyed by account number. */
export const accountingConnector = defineConnector({
  name: 'accounting',
  description: 'Accounting: balances, invoices and payments, keyed by account number.',
  key: { name: 'account number' },
  graph: {
    type: AccountingAccount,
    description: "The customer's account in accounting; null when accounting has no account for them.",
    from: toAccountingAccount,
    example: /* GraphQL */ `
      {
        balance
        overdueAmount
        invoices(last: 5) {
          number
          total
          dueDate
          status
        }
      }
    `,
    resolvers: [AccountingAccountResolver],
  },
  transport: ({ config }) => createAccountingTransport(config),
  figures: ACCOUNTING_FIGURES,
});
