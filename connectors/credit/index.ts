// Public API of the credit connector: its factory.
import { defineConnector } from '../kit';
import { CREDIT_FIGURES } from './credit.figures';
import { toCreditProfile } from './credit.mapper';
import { createCreditTransport } from './credit.transport';
import { CreditProfile } from './credit.types';

/** The credit department: limit, exposure, score and payment terms, keyed by tax number. */
export const creditConnector = defineConnector({
  name: 'credit',
  description: 'Credit: limit, exposure, score and payment terms, keyed by tax number.',
  key: { name: 'tax number' },
  graph: {
    type: CreditProfile,
    description: 'The customer at the credit bureau; null when it has no profile for them.',
    from: toCreditProfile,
    example: /* GraphQL */ `
      {
        limit
        available
        score
        riskBand
        terms
      }
    `,
  },
  transport: ({ config }) => createCreditTransport(config),
  figures: CREDIT_FIGURES,
});
