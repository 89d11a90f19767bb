import type { SiloDefinition } from '../common/app';
import { commonErrorResponses, SiloHttpError } from '../common/errors';
import { emailKey, indexBy, lookUpMany, phoneKey, uniqueIndex } from '../common/indexes';
import { decodeCursor, pageAfter, sortByKey } from '../common/paging';
import { keyListBody, list, object, pageSize, text } from '../common/schemas';
import { search, searchQuerySchema, type SearchQuery } from '../common/search';
import type { Subscriber } from '../generator/types';
import { subscriberSchema, subscriberSummarySchema } from './marketing.schemas';

/**
 * The e-mail marketing tool: subscribers keyed by subscriber id, with cursor paging under the
 * tool's own names (`after`, `paging.after`). Routes answer full `Subscriber` records; where the
 * README promises a summary, the response schema lets fastify's serializer send only the summary
 * fields.
 */
export function marketingSilo(subscribers: readonly Subscriber[]): SiloDefinition {
  const byId = uniqueIndex(subscribers, (subscriber) => subscriber.id);
  const sorted = sortByKey(subscribers, (subscriber) => subscriber.id);
  const indexes = {
    phone: indexBy(subscribers, (subscriber) => [phoneKey(subscriber.phone)]),
    email: indexBy(subscribers, (subscriber) => [emailKey(subscriber.email)]),
  };
  const tags = ['subscribers'];

  return {
    name: 'marketing',
    title: 'E-mail marketing',
    description:
      'Subscribers, their consent and the campaigns sent to them, keyed by subscriber id (`sub_3f9a0b12cd`).',
    tag: { name: 'subscribers', description: 'Mailing-list subscribers with their consent, opens and clicks.' },
    routes(app) {
      app.get<{ Querystring: { limit: number; after?: string } }>(
        '/subscribers',
        {
          schema: {
            tags,
            summary: 'Subscriber directory',
            description:
              'All subscribers ordered by id, a page at a time; pass `paging.after` as `after` until it is null.',
            querystring: {
              type: 'object',
              properties: {
                limit: pageSize('Subscribers per page, 1..1000.'),
                after: text('`paging.after` of the previous page; leave out for the first page.'),
              },
            },
            response: {
              200: object({
                subscribers: list(subscriberSummarySchema),
                paging: object({ after: { type: ['string', 'null'], description: 'Null on the last page.' } }),
              }),
              ...commonErrorResponses(),
            },
          },
        },
        async (request) => {
          const { limit, after } = request.query;
          const from = after === undefined ? undefined : decodeCursor(after);
          if (from === null) throw new SiloHttpError(400, 'querystring/after is not a cursor this system issued.');
          const { items, next } = pageAfter(sorted, from, limit);
          return { subscribers: items, paging: { after: next } };
        },
      );

      app.post<{ Body: { subscriberIds: string[] } }>(
        '/subscribers/batch',
        {
          schema: {
            tags,
            summary: 'Read subscribers in one request',
            description: 'The subscribers found; unknown ids are left out.',
            body: keyListBody('subscriberIds', 'Subscriber ids to read.', 'sub_3f9a0b12cd'),
            response: { 200: object({ subscribers: list(subscriberSchema) }), ...commonErrorResponses() },
          },
        },
        async (request) => ({ subscribers: lookUpMany(byId, request.body.subscriberIds).found }),
      );

      app.get<{ Querystring: SearchQuery }>(
        '/subscribers/search',
        {
          schema: {
            tags,
            summary: 'Find subscribers by e-mail or phone',
            description:
              'Give exactly one of `email` (any case, spaces trimmed) or `phone` (any format, last ten digits).',
            querystring: searchQuerySchema,
            response: { 200: object({ subscribers: list(subscriberSummarySchema) }), ...commonErrorResponses() },
          },
        },
        async (request) => ({ subscribers: search(request.query, indexes) }),
      );
    },
  };
}
