// Public API of the sales connector: its factory.
import { createConnector, type ConnectorFactory } from '../kit';
import { SALES_FIGURES, summarizeContact } from './sales.figures';
import { SalesCustomerResolver, SalesProfileResolver } from './sales.resolver';
import { createSalesTransport } from './sales.transport';

/** The sales department: lifetime value, orders and opportunities, keyed by CRM contact id. */
export const salesConnector: ConnectorFactory = {
  name: 'sales',
  create: (config, runtime) =>
    createConnector(
      {
        name: 'sales',
        description: 'Sales: lifetime value, orders and opportunities, keyed by CRM contact id.',
        resolvers: [SalesCustomerResolver, SalesProfileResolver],
        mergeFieldName: 'salesCustomers',
        transport: createSalesTransport(config),
        figures: SALES_FIGURES,
        summarize: summarizeContact,
      },
      config,
      runtime,
    ),
};
