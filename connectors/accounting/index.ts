// Public API of the accounting connector: its factory.
import { createConnector, type ConnectorFactory } from '../kit';
import { ACCOUNTING_FIGURES, summarizeAccount } from './accounting.figures';
import { AccountingAccountResolver, AccountingCustomerResolver } from './accounting.resolver';
import { createAccountingTransport } from './accounting.transport';

/** The accounting department: balances, invoices and payments, keyed by account number. */
export const accountingConnector: ConnectorFactory = {
  name: 'accounting',
  create: (config, runtime) =>
    createConnector(
      {
        name: 'accounting',
        description: 'Accounting: balances, invoices and payments, keyed by account number.',
        resolvers: [AccountingCustomerResolver, AccountingAccountResolver],
        mergeFieldName: 'accountingCustomers',
        transport: createAccountingTransport(config),
        figures: ACCOUNTING_FIGURES,
        summarize: summarizeAccount,
      },
      config,
      runtime,
    ),
};
