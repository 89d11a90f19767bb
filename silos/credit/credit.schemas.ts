import { integer, object, oneOf, text, type JsonSchema } from '../common/schemas';

/** The fields of `ProfileSummary`; fastify's serializer sends only these where the summary is answered. */
const summaryFields: Record<string, JsonSchema> = {
  taxNumber: text('The tax number, the key.', '12-3456789'),
  legalName: text('Legal name, upper case.', 'JANE DOE'),
  contact: object({
    email: text('Contact e-mail, upper case.', 'JANE.DOE@EXAMPLE.COM'),
    phone: text('Contact phone.', '415.555.0132'),
  }),
};

/** A profile as directory and search list it. */
export const profileSummarySchema = object(summaryFields, 'A profile, as the directory and search list it.');

/** A full bureau profile. */
export const profileSchema = object(
  {
    ...summaryFields,
    currency: oneOf('Currency of limit and exposure.', ['USD', 'EUR', 'GBP']),
    limit: integer('Credit limit, whole currency units.', 0),
    exposure: integer('Credit in use, whole currency units.', 0),
    score: { type: 'integer', minimum: 300, maximum: 850, description: 'Bureau score, 300..850.' },
    riskBand: oneOf('A (score 750+), B (700+), C (650+), D (600+), E (below 600).', ['A', 'B', 'C', 'D', 'E']),
    paymentTerms: oneOf('Terms the bureau recommends.', ['NET15', 'NET30', 'NET60', 'PREPAID']),
    reviewedAt: text('When the profile was last reviewed (ISO time).', '2026-01-15T09:30:00.000Z'),
  },
  'A credit profile.',
);
