import { z } from 'zod';
import type { ConnectorConfig } from '../../config';
import { createSiloClient, type ConnectorTransport } from '../kit';

// The credit bureau's payloads, as its OpenAPI document describes them. Checked on arrival.
const profileSummarySchema = z.object({
  taxNumber: z.string(),
  legalName: z.string(),
  contact: z.object({ email: z.string().nullable(), phone: z.string().nullable() }),
});

const profileSchema = profileSummarySchema.extend({
  currency: z.string(),
  limit: z.number(),
  exposure: z.number(),
  score: z.number().int(),
  riskBand: z.enum(['A', 'B', 'C', 'D', 'E']),
  paymentTerms: z.enum(['NET15', 'NET30', 'NET60', 'PREPAID']),
  reviewedAt: z.iso.datetime({ offset: true }),
});

const lookupAnswer = z.object({ results: z.array(profileSchema) });
const directoryAnswer = z.object({
  results: z.array(profileSummarySchema),
  offset: z.number().int(),
  limit: z.number().int(),
  total: z.number().int(),
});

/** A credit profile as the credit bureau sends it (whole currency units). */
export type ProfileRecord = z.infer<typeof profileSchema>;

/** Creates the credit transport from the connector's configuration. */
export function createCreditTransport(config: ConnectorConfig): ConnectorTransport<ProfileRecord> {
  const client = createSiloClient('credit', config);
  return {
    async fetch(taxNumbers) {
      const answer = await client.post('/profiles/lookup', { taxNumbers }, lookupAnswer, { read: true });
      return new Map(answer.results.map((profile) => [profile.taxNumber, profile]));
    },
    async *directory(pageSize) {
      let offset = 0;
      for (;;) {
        const page = await client.get('/profiles', directoryAnswer, { offset, limit: pageSize });
        yield page.results.map((item) => ({
          key: item.taxNumber,
          name: item.legalName,
          emails: item.contact.email ? [item.contact.email] : [],
          phones: item.contact.phone ? [item.contact.phone] : [],
          taxNumbers: [item.taxNumber],
        }));
        offset += page.results.length;
        // An empty page ends the walk even if `total` grew meanwhile: never loop forever.
        if (page.results.length === 0 || offset >= page.total) return;
      }
    },
    health: () => client.health(),
  };
}
