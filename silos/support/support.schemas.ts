import { integer, list, nullableText, object, oneOf, text, type JsonSchema } from '../common/schemas';

/** The fields of `RequesterSummary`; fastify's serializer sends only these where the summary is answered. */
const summaryFields: Record<string, JsonSchema> = {
  email: text('E-mail address, lower case: the key.', 'jane.doe@example.com'),
  displayName: text('Name, lower case.', 'jane doe'),
  phone: nullableText('E.164 phone, or null if the requester never gave one.', '+14155550132'),
};

/** A requester as directory and search list them. */
export const requesterSummarySchema = object(summaryFields, 'A requester, as the directory and search list them.');

const ticketSchema = object({
  id: integer('Ticket number.', 1),
  subject: text('Subject line.'),
  status: oneOf('`new`, `open` and `pending` are unsolved.', ['new', 'open', 'pending', 'solved', 'closed']),
  priority: oneOf('Priority.', ['low', 'normal', 'high', 'urgent']),
  createdAt: text('ISO time.'),
  updatedAt: text('ISO time.'),
  solvedAt: nullableText('ISO time, or null while unsolved.'),
});

const callSchema = object({
  id: text('Call id.', 'CALL-000042'),
  startedAt: text('ISO time.'),
  callerNumber: text("The customer's number, as the phone system shows it.", '+1 (415) 555 0132'),
  durationSec: integer('Duration in seconds.', 0),
  direction: oneOf('Who called whom.', ['inbound', 'outbound']),
  agent: text('The agent on the call.'),
});

/** A full requester: the summary, tickets and calls. */
export const requesterSchema = object(
  { ...summaryFields, tickets: list(ticketSchema, 'Oldest first.'), calls: list(callSchema, 'Oldest first.') },
  'A requester with tickets and calls.',
);
