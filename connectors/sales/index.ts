// Public API of the sales connector: its factory.
import { buildSchemaSync } from 'type-graphql';
import type { ConnectorFactory } from '../kit';
import { createSalesScope } from './sales.loader';
import { SalesCustomerResolver, SalesProfileResolver } from './sales.resolver';
import { createSalesTransport } from './sales.transport';

/** The sales department: lifetime value, orders and opportunities, keyed by CRM contact id. */
export const salesConnector: ConnectorFactory = {
  name: 'sales',
  create(config) {
    const transport = createSalesTransport(config);
    return {
      name: 'sales',
      description: 'Sales: lifetime value, orders and opportunities, keyed by CRM contact id.',
      schema: buildSchemaSync({ resolvers: [SalesCustomerResolver, SalesProfileResolver], validate: false }),
      mergeFieldName: 'salesCustomers',
      createRequestScope: () => createSalesScope(transport, config),
      directory: (pageSize) => transport.directory(pageSize),
      health: () => transport.health(),
    };
  },
};
