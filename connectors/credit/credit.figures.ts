import type { FigureDefinition, FigureValues } from '../kit';
import type { ProfileRecord } from './credit.transport';

/** What credit contributes to the customer-360 snapshot. */
export const CREDIT_FIGURES: readonly FigureDefinition[] = [
  { name: 'limit', type: 'Float', description: 'Credit limit, in the profile currency.' },
  { name: 'available', type: 'Float', description: 'Limit minus exposure; negative when over the limit.' },
  { name: 'score', type: 'Int', description: 'Credit score, 300 to 850.' },
  { name: 'riskBand', type: 'String', description: 'Risk grade, A (lowest risk) to E.' },
];

/** One profile's figures. */
export function summarizeProfile(profile: ProfileRecord): FigureValues {
  return {
    limit: profile.limit,
    available: profile.limit - profile.exposure,
    score: profile.score,
    riskBand: profile.riskBand,
  };
}
