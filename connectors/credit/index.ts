// Public API of the credit connector: its factory.
import { buildSchemaSync } from 'type-graphql';
import type { ConnectorFactory } from '../kit';
import { createCreditScope } from './credit.loader';
import { CreditCustomerResolver } from './credit.resolver';
import { createCreditTransport } from './credit.transport';

/** The credit department: limit, exposure, score and payment terms, keyed by tax number. */
export const creditConnector: ConnectorFactory = {
  name: 'credit',
  create(config) {
    const transport = createCreditTransport(config);
    return {
      name: 'credit',
      description: 'Credit: limit, exposure, score and payment terms, keyed by tax number.',
      schema: buildSchemaSync({ resolvers: [CreditCustomerResolver], validate: false }),
      mergeFieldName: 'creditCustomers',
      createRequestScope: () => createCreditScope(transport, config),
      directory: (pageSize) => transport.directory(pageSize),
      health: () => transport.health(),
    };
  },
};
