// Public API of the accounting connector: its factory.
import { buildSchemaSync } from 'type-graphql';
import type { ConnectorFactory } from '../kit';
import { createAccountingScope } from './accounting.loader';
import { AccountingAccountResolver, AccountingCustomerResolver } from './accounting.resolver';
import { createAccountingTransport } from './accounting.transport';

/** The accounting department: balances, invoices and payments, keyed by account number. */
export const accountingConnector: ConnectorFactory = {
  name: 'accounting',
  create(config) {
    const transport = createAccountingTransport(config);
    return {
      name: 'accounting',
      description: 'Accounting: balances, invoices and payments, keyed by account number.',
      schema: buildSchemaSync({ resolvers: [AccountingCustomerResolver, AccountingAccountResolver], validate: false }),
      mergeFieldName: 'accountingCustomers',
      createRequestScope: () => createAccountingScope(transport, config),
      directory: (pageSize) => transport.directory(pageSize),
      health: () => transport.health(),
    };
  },
};
