// Public API of the support connector: its factory.
import { buildSchemaSync } from 'type-graphql';
import type { ConnectorFactory } from '../kit';
import { createSupportScope } from './support.loader';
import { SupportCustomerResolver, SupportProfileResolver } from './support.resolver';
import { createSupportTransport } from './support.transport';

/** The support department: tickets and calls, keyed by e-mail (matched case-insensitively). */
export const supportConnector: ConnectorFactory = {
  name: 'support',
  create(config) {
    const transport = createSupportTransport(config);
    return {
      name: 'support',
      description: 'Support: tickets and calls, keyed by e-mail (matched case-insensitively).',
      schema: buildSchemaSync({ resolvers: [SupportCustomerResolver, SupportProfileResolver], validate: false }),
      mergeFieldName: 'supportCustomers',
      createRequestScope: () => createSupportScope(transport, config),
      directory: (pageSize) => transport.directory(pageSize),
      health: () => transport.health(),
    };
  },
};
