import type { SiloDefinition } from '../common/app';
import { commonErrorResponses } from '../common/errors';
import { emailKey, indexBy, lookUpMany, phoneKey, uniqueIndex } from '../common/indexes';
import { sortByKey } from '../common/paging';
import { integer, keyListBody, list, object, pageSize } from '../common/schemas';
import { search, searchQuerySchema, type SearchQuery } from '../common/search';
import type { Contact } from '../generator/types';
import { contactSchema, contactSummarySchema } from './sales.schemas';

/**
 * The sales CRM: contacts keyed by contact id, with page-number paging. Routes answer full
 * `Contact` records; where the README promises a summary, the response schema lets fastify's
 * serializer send only the summary fields.
 */
export function salesSilo(contacts: readonly Contact[]): SiloDefinition {
  const byId = uniqueIndex(contacts, (contact) => contact.id);
  const { records: sorted } = sortByKey(contacts, (contact) => contact.id);
  const indexes = {
    phone: indexBy(contacts, (contact) => [phoneKey(contact.mobile)]),
    email: indexBy(contacts, (contact) => [emailKey(contact.email)]),
  };
  const tags = ['contacts'];

  return {
    name: 'sales',
    title: 'Sales CRM',
    description: 'Contacts, orders and opportunities, keyed by CRM contact id (`c-5f3a9b2e`).',
    tag: { name: 'contacts', description: 'CRM contacts with their orders and pipeline.' },
    routes(app) {
      app.get<{ Querystring: { page: number; pageSize: number } }>(
        '/contacts',
        {
          schema: {
            tags,
            summary: 'Contact directory',
            description: 'All contacts ordered by id, one numbered page at a time; a page past the end is empty.',
            querystring: {
              type: 'object',
              properties: {
                page: { type: 'integer', minimum: 1, default: 1, description: 'Page number, from 1.' },
                pageSize: pageSize('Contacts per page, 1..1000.'),
              },
            },
            response: {
              200: object({
                data: list(contactSummarySchema),
                page: integer('This page number.', 1),
                pageSize: integer('Page size asked for.', 1),
                total: integer('Number of contacts in the directory.', 0),
              }),
              ...commonErrorResponses(),
            },
          },
        },
        async (request) => {
          const { page, pageSize: size } = request.query;
          const start = (page - 1) * size;
          return { data: sorted.slice(start, start + size), page, pageSize: size, total: sorted.length };
        },
      );

      app.post<{ Body: { ids: string[] } }>(
        '/contacts/batch',
        {
          schema: {
            tags,
            summary: 'Read contacts in one request',
            description: 'The contacts found; ids with no contact are left out.',
            body: keyListBody('ids', 'Contact ids to read.', 'c-5f3a9b2e'),
            response: { 200: object({ data: list(contactSchema) }), ...commonErrorResponses() },
          },
        },
        async (request) => ({ data: lookUpMany(byId, request.body.ids).found }),
      );

      app.get<{ Querystring: SearchQuery }>(
        '/contacts/search',
        {
          schema: {
            tags,
            summary: 'Find contacts by phone or e-mail',
            description:
              'Give exactly one of `phone` (any format, last ten digits) or `email` (any case, spaces trimmed).',
            querystring: searchQuerySchema,
            response: { 200: object({ data: list(contactSummarySchema) }), ...commonErrorResponses() },
          },
        },
        async (request) => ({ data: search(request.query, indexes) }),
      );
    },
  };
}
