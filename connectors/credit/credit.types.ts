import { Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Freshness } from '../kit';

/** The credit bureau's risk grade. */
export enum RiskBand {
  A = 'A',
  B = 'B',
  C = 'C',
  D = 'D',
  E = 'E',
}
registerEnumType(RiskBand, {
  name: 'RiskBand',
  description: "The credit bureau's risk grade, from A (safest) to E (riskiest).",
  valuesConfig: {
    A: { description: 'Minimal risk.' },
    B: { description: 'Low risk.' },
    C: { description: 'Moderate risk.' },
    D: { description: 'High risk.' },
    E: { description: 'Very high risk: sell on prepaid terms only.' },
  },
});

/** When the customer has to pay. */
export enum PaymentTerms {
  NET15 = 'NET15',
  NET30 = 'NET30',
  NET60 = 'NET60',
  PREPAID = 'PREPAID',
}
registerEnumType(PaymentTerms, {
  name: 'PaymentTerms',
  description: 'When the customer has to pay for what they buy.',
  valuesConfig: {
    NET15: { description: 'Within 15 days of the invoice.' },
    NET30: { description: 'Within 30 days of the invoice.' },
    NET60: { description: 'Within 60 days of the invoice.' },
    PREPAID: { description: 'Before delivery: no credit is extended.' },
  },
});

@ObjectType({ description: "The customer's credit profile: limit, exposure, score and terms." })
export class CreditProfile {
  @Field(() => ID, { description: 'The tax number the credit bureau files the customer under (e.g. "12-3456789").' })
  taxNumber!: string;

  @Field({ description: 'The legal name on file with the credit bureau.' })
  legalName!: string;

  @Field({ description: 'ISO 4217 code of the currency the limit and exposure are in.' })
  currency!: string;

  @Field(() => Float, { description: 'The most credit the company extends to the customer.' })
  limit!: number;

  @Field(() => Float, { description: 'Credit in use now: what the customer owes and has on order.' })
  exposure!: number;

  @Field(() => Float, {
    description: 'Credit still available: limit minus exposure. Negative when the customer is over their limit.',
  })
  available!: number;

  @Field(() => Int, { description: 'Credit score, from 300 (worst) to 850 (best).' })
  score!: number;

  @Field(() => RiskBand, { description: 'Risk grade derived from the score and history.' })
  riskBand!: RiskBand;

  @Field(() => PaymentTerms, { description: 'The payment terms the customer is allowed.' })
  terms!: PaymentTerms;

  @Field(() => Date, { description: 'When the credit bureau last reviewed the profile.' })
  reviewedAt!: Date;

  @Field(() => Freshness, {
    description: 'When this profile was fetched from the credit bureau, and whether it is stale.',
  })
  freshness!: Freshness;
}
