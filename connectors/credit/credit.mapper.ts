import type { ProfileRecord } from './credit.transport';
import { type CreditProfile, PaymentTerms, RiskBand } from './credit.types';

const riskBand: Record<ProfileRecord['riskBand'], RiskBand> = {
  A: RiskBand.A,
  B: RiskBand.B,
  C: RiskBand.C,
  D: RiskBand.D,
  E: RiskBand.E,
};

const paymentTerms: Record<ProfileRecord['paymentTerms'], PaymentTerms> = {
  NET15: PaymentTerms.NET15,
  NET30: PaymentTerms.NET30,
  NET60: PaymentTerms.NET60,
  PREPAID: PaymentTerms.PREPAID,
};

/** Maps the credit bureau's profile record to the graph's `CreditProfile`. */
export function toCreditProfile(record: ProfileRecord): Omit<CreditProfile, 'freshness'> {
  return {
    taxNumber: record.taxNumber,
    legalName: record.legalName,
    currency: record.currency,
    limit: record.limit,
    exposure: record.exposure,
    // Not clamped at zero: an over-limit customer is exactly what a screen pop must show.
    available: record.limit - record.exposure,
    score: record.score,
    riskBand: riskBand[record.riskBand],
    terms: paymentTerms[record.paymentTerms],
    reviewedAt: new Date(record.reviewedAt),
  };
}
