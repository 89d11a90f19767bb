import { z } from 'zod';
import type { ConnectorConfig } from '../../config';
import { createSiloClient, type ConnectorTransport } from '../kit';

// The help desk's payloads, as its OpenAPI document describes them. Checked on arrival.
const requesterSummarySchema = z.object({
  email: z.string(),
  displayName: z.string(),
  phone: z.string().nullable(),
});

const isoTime = z.iso.datetime({ offset: true });

const ticketSchema = z.object({
  id: z.number().int(),
  subject: z.string(),
  status: z.enum(['new', 'open', 'pending', 'solved', 'closed']),
  priority: z.enum(['low', 'normal', 'high', 'urgent']),
  createdAt: isoTime,
  updatedAt: isoTime,
  solvedAt: isoTime.nullable(),
});

const callSchema = z.object({
  id: z.string(),
  startedAt: isoTime,
  callerNumber: z.string(),
  durationSec: z.number().int(),
  direction: z.enum(['inbound', 'outbound']),
  agent: z.string(),
});

const requesterSchema = requesterSummarySchema.extend({
  tickets: z.array(ticketSchema),
  calls: z.array(callSchema),
});

const batchAnswer = z.object({ requesters: z.array(requesterSchema) });
const directoryAnswer = z.object({ requesters: z.array(requesterSummarySchema), next: z.string().nullable() });

/** A requester as the help desk sends it. */
export type RequesterRecord = z.infer<typeof requesterSchema>;
/** A ticket as the help desk sends it. */
export type TicketRecord = z.infer<typeof ticketSchema>;
/** A call as the help desk's phone system logged it. */
export type CallRecord = z.infer<typeof callSchema>;

/** The form the help desk compares e-mails in; the loader normalises keys the same way. */
export const supportKey = (email: string): string => email.trim().toLowerCase();

/** Creates the support transport from the connector's configuration. */
export function createSupportTransport(config: ConnectorConfig): ConnectorTransport<RequesterRecord> {
  const client = createSiloClient('support', config);
  return {
    async fetch(emails) {
      const answer = await client.post('/requesters/batch', { emails }, batchAnswer, { read: true });
      return new Map(answer.requesters.map((requester) => [supportKey(requester.email), requester]));
    },
    async *directory(pageSize) {
      let cursor: string | null = null;
      do {
        const params: Record<string, string | number> = { limit: pageSize };
        if (cursor) params.cursor = cursor;
        const page = await client.get('/requesters', directoryAnswer, params);
        yield page.requesters.map((item) => ({
          key: item.email,
          name: item.displayName,
          emails: [item.email],
          phones: item.phone ? [item.phone] : [],
          taxNumbers: [],
        }));
        cursor = page.next;
      } while (cursor);
    },
    health: () => client.health(),
  };
}
