import type { SiloDefinition } from '../common/app';
import { commonErrorResponses, SiloHttpError } from '../common/errors';
import { emailKey, indexBy, lookUpMany, phoneKey, uniqueIndex } from '../common/indexes';
import { decodeCursor, pageAfter, sortByKey } from '../common/paging';
import { keyListBody, list, object, pageSize, text } from '../common/schemas';
import { search, searchQuerySchema, type SearchQuery } from '../common/search';
import type { Requester } from '../generator/types';
import { requesterSchema, requesterSummarySchema } from './support.schemas';

/**
 * The help desk: requesters keyed by lower-case e-mail, with cursor paging. Routes answer full
 * `Requester` records; where the README promises a summary, the response schema lets fastify's
 * serializer send only the summary fields.
 */
export function supportSilo(requesters: readonly Requester[]): SiloDefinition {
  const byEmail = uniqueIndex(requesters, (requester) => emailKey(requester.email) ?? requester.email);
  const sorted = sortByKey(requesters, (requester) => requester.email);
  const indexes = {
    phone: indexBy(requesters, (requester) => [phoneKey(requester.phone)]),
    email: indexBy(requesters, (requester) => [emailKey(requester.email)]),
  };
  const tags = ['requesters'];

  return {
    name: 'support',
    title: 'Help desk',
    description: 'Requesters, tickets and calls, keyed by e-mail address.',
    tag: { name: 'requesters', description: 'Help-desk requesters with their tickets and calls.' },
    routes(app) {
      app.get<{ Querystring: { limit: number; cursor?: string } }>(
        '/requesters',
        {
          schema: {
            tags,
            summary: 'Requester directory',
            description: 'All requesters ordered by e-mail, a page at a time; follow `next` until it is null.',
            querystring: {
              type: 'object',
              properties: {
                limit: pageSize('Requesters per page, 1..1000.'),
                cursor: text('`next` of the previous page; leave out for the first page.'),
              },
            },
            response: {
              200: object({
                requesters: list(requesterSummarySchema),
                next: { type: ['string', 'null'], description: 'Null on the last page.' },
              }),
              ...commonErrorResponses(),
            },
          },
        },
        async (request) => {
          const { limit, cursor } = request.query;
          const after = cursor === undefined ? undefined : decodeCursor(cursor);
          if (after === null) throw new SiloHttpError(400, 'querystring/cursor is not a cursor this system issued.');
          const { items, next } = pageAfter(sorted, after, limit);
          return { requesters: items, next };
        },
      );

      app.post<{ Body: { emails: string[] } }>(
        '/requesters/batch',
        {
          schema: {
            tags,
            summary: 'Read requesters in one request',
            description:
              'The requesters found, e-mails matched case-insensitively after trimming; unknown ones are left out.',
            body: keyListBody('emails', 'E-mail addresses to read.', 'jane.doe@example.com'),
            response: { 200: object({ requesters: list(requesterSchema) }), ...commonErrorResponses() },
          },
        },
        async (request) => ({ requesters: lookUpMany(byEmail, request.body.emails, emailKey).found }),
      );

      app.get<{ Querystring: SearchQuery }>(
        '/requesters/search',
        {
          schema: {
            tags,
            summary: 'Find requesters by phone or e-mail',
            description: 'Give exactly one of `phone` (any format, last ten digits) or `email` (any case).',
            querystring: searchQuerySchema,
            response: { 200: object({ requesters: list(requesterSummarySchema) }), ...commonErrorResponses() },
          },
        },
        async (request) => ({ requesters: search(request.query, indexes) }),
      );
    },
  };
}
