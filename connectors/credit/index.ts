// Public API of the credit connector: its factory.
import { createConnector, type ConnectorFactory } from '../kit';
import { CREDIT_FIGURES, summarizeProfile } from './credit.figures';
import { CreditCustomerResolver } from './credit.resolver';
import { createCreditTransport } from './credit.transport';

/** The credit department: limit, exposure, score and payment terms, keyed by tax number. */
export const creditConnector: ConnectorFactory = {
  name: 'credit',
  create: (config, runtime) =>
    createConnector(
      {
        name: 'credit',
        description: 'Credit: limit, exposure, score and payment terms, keyed by tax number.',
        resolvers: [CreditCustomerResolver],
        mergeFieldName: 'creditCustomers',
        transport: createCreditTransport(config),
        figures: CREDIT_FIGURES,
        summarize: summarizeProfile,
      },
      config,
      runtime,
    ),
};
