import { integer, list, nullableText, object, oneOf, text, type JsonSchema } from '../common/schemas';

const consentSchema = object(
  {
    state: oneOf('`unsubscribed` and `bounced` addresses are sent nothing.', ['subscribed', 'unsubscribed', 'bounced']),
    changedAt: text('ISO time the state last changed (for `subscribed`, when the address opted in).'),
  },
  'Whether the address may be mailed.',
);

/** The fields of `SubscriberSummary`; fastify's serializer sends only these where the summary is answered. */
const summaryFields: Record<string, JsonSchema> = {
  id: text('Subscriber id, the key: `sub_` and ten hex digits.', 'sub_3f9a0b12cd'),
  email: text('As the subscriber typed it on the sign-up form (case and spaces kept).', 'Jane.Doe@gmail.com'),
  phone: nullableText('US phone, or null if the subscriber gave none.', '415-555-0132'),
  name: text('Name as given on the sign-up form.', 'Jane Doe'),
  consent: consentSchema,
};

/** A subscriber as directory and search list them. */
export const subscriberSummarySchema = object(summaryFields, 'A subscriber, as the directory and search list them.');

const sendSchema = object({
  campaignId: text('Campaign id.', 'CMP-0012'),
  name: text('Campaign name.', 'Monthly newsletter, March 2026'),
  sentAt: text('ISO time.'),
  opened: { type: 'boolean', description: 'Whether the subscriber opened it.' },
  openedAt: nullableText('ISO time of the first open, or null.'),
  clicks: integer('Link clicks; 0 unless opened.', 0),
});

/** A full subscriber: the summary, sign-up time and the campaigns sent to them. */
export const subscriberSchema = object(
  {
    ...summaryFields,
    createdAt: text('ISO time the subscriber signed up.'),
    campaigns: list(sendSchema, 'The latest campaigns sent to the subscriber (at most 8), oldest first.'),
  },
  'A subscriber with the campaigns sent to them.',
);
