import { isoTime } from './dates';
import type { Member } from './people';
import { creditPhone } from './phones';
import type { Rng } from './random';
import type { PaymentTerms, Profile, RiskBand } from './types';

/** The bureau's band for a score: A from 750, B from 700, C from 650, D from 600, else E. */
export function riskBandForScore(score: number): RiskBand {
  if (score >= 750) return 'A';
  if (score >= 700) return 'B';
  if (score >= 650) return 'C';
  if (score >= 600) return 'D';
  return 'E';
}

/** The bureau's tax number format: `12-3456789`. */
export function creditTaxNumber(digits: string): string {
  return `${digits.slice(0, 2)}-${digits.slice(2)}`;
}

/** Credit limits by band, whole currency units [min, max]; riskier bands get less. */
const LIMITS: Record<RiskBand, readonly [number, number]> = {
  A: [25_000, 100_000],
  B: [10_000, 50_000],
  C: [5_000, 20_000],
  D: [1_000, 8_000],
  E: [0, 2_000],
};

const TERMS: Record<RiskBand, readonly PaymentTerms[]> = {
  A: ['NET60', 'NET30'],
  B: ['NET30', 'NET60'],
  C: ['NET30'],
  D: ['NET15'],
  E: ['PREPAID'],
};

/**
 * Writes the bureau profiles of `members` (those in credit), setting `keys.credit`. The score
 * follows the same reliability that drives overdue invoices in accounting; band, limit and
 * terms follow from the score, and exposure stays within the limit.
 */
export function generateProfiles(members: readonly Member[], rng: Rng, epoch: number): Profile[] {
  const profiles: Profile[] = [];
  for (const { person, traits, silos } of members) {
    if (!silos.has('credit')) continue;
    const taxNumber = creditTaxNumber(person.taxNumber);
    person.keys.credit = taxNumber;
    const hard = person.hardCase?.silo === 'credit' ? person.hardCase : null;
    const email = hard?.kind === 'credit-work-email' && hard.value ? hard.value : person.email;
    const noise = (rng.next() - 0.5) * 0.3;
    const score = Math.round(300 + 550 * Math.min(1, Math.max(0, traits.reliability + noise)));
    const riskBand = riskBandForScore(score);
    const [low, high] = LIMITS[riskBand];
    // Limits are set in round 500s, as an underwriter would.
    const limit = Math.round(rng.int(low, high) / 500) * 500;
    profiles.push({
      taxNumber,
      legalName: `${person.firstName} ${person.lastName}`.toUpperCase(),
      contact: { email: email.toUpperCase(), phone: creditPhone(person.phone) },
      currency: traits.currency,
      limit,
      exposure: Math.floor((limit * rng.int(0, 95)) / 100),
      score,
      riskBand,
      paymentTerms: limit === 0 ? 'PREPAID' : rng.pick(TERMS[riskBand]),
      reviewedAt: isoTime(epoch - rng.int(3_600, 365 * 86_400) * 1000),
    });
  }
  return profiles;
}
