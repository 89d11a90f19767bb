import type { FigureDeclaration } from '../kit';
import type { CreditProfile } from './credit.types';

/** What credit contributes to the customer-360 snapshot, read from the graph's `CreditProfile`. */
export const CREDIT_FIGURES: ReadonlyArray<FigureDeclaration<CreditProfile>> = [
  {
    name: 'limit',
    type: 'Float',
    description: 'Credit limit, in the profile currency.',
    of: (profile) => profile.limit,
  },
  {
    name: 'available',
    type: 'Float',
    description: 'Limit minus exposure; negative when over the limit.',
    of: (profile) => profile.available,
  },
  { name: 'score', type: 'Int', description: 'Credit score, 300 to 850.', of: (profile) => profile.score },
  {
    name: 'riskBand',
    type: 'String',
    description: 'Risk grade, A (lowest risk) to E.',
    of: (profile) => profile.riskBand,
  },
];
