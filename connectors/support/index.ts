// Public API of the support connector: its factory.
import { createConnector, type ConnectorFactory } from '../kit';
import { SUPPORT_FIGURES, summarizeRequester } from './support.figures';
import { SupportCustomerResolver, SupportProfileResolver } from './support.resolver';
import { createSupportTransport, supportKey } from './support.transport';

/** The support department: tickets and calls, keyed by e-mail (matched case-insensitively). */
export const supportConnector: ConnectorFactory = {
  name: 'support',
  create: (config, runtime) =>
    createConnector(
      {
        name: 'support',
        description: 'Support: tickets and calls, keyed by e-mail (matched case-insensitively).',
        resolvers: [SupportCustomerResolver, SupportProfileResolver],
        mergeFieldName: 'supportCustomers',
        transport: createSupportTransport(config),
        normalizeKey: supportKey,
        figures: SUPPORT_FIGURES,
        summarize: summarizeRequester,
      },
      config,
      runtime,
    ),
};
