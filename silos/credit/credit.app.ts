import type { SiloDefinition } from '../common/app';
import { commonErrorResponses } from '../common/errors';
import { emailKey, indexBy, lookUpMany, phoneKey, uniqueIndex } from '../common/indexes';
import { sortByKey } from '../common/paging';
import { integer, keyListBody, list, object, pageSize } from '../common/schemas';
import { search, searchQuerySchema, type SearchQuery } from '../common/search';
import type { Profile } from '../generator/types';
import { profileSchema, profileSummarySchema } from './credit.schemas';

/** A tax number by its nine digits, so `123456789` finds `12-3456789` as the bureau's own search does. */
function taxKey(raw: string): string | null {
  const digits = raw.replace(/\D/g, '');
  return digits.length === 9 ? digits : null;
}

/**
 * The credit bureau: profiles keyed by tax number, with offset paging. Routes answer full
 * `Profile` records; where the README promises a summary, the response schema lets fastify's
 * serializer send only the summary fields.
 */
export function creditSilo(profiles: readonly Profile[]): SiloDefinition {
  const byTax = uniqueIndex(profiles, (profile) => taxKey(profile.taxNumber) ?? profile.taxNumber);
  const { records: sorted } = sortByKey(profiles, (profile) => profile.taxNumber);
  const indexes = {
    phone: indexBy(profiles, (profile) => [phoneKey(profile.contact.phone)]),
    email: indexBy(profiles, (profile) => [emailKey(profile.contact.email)]),
  };
  const tags = ['profiles'];

  return {
    name: 'credit',
    title: 'Credit bureau',
    description: 'Credit profiles (limit, exposure, score, risk band), keyed by tax number (`12-3456789`).',
    tag: { name: 'profiles', description: 'Credit profiles.' },
    routes(app) {
      app.get<{ Querystring: { offset: number; limit: number } }>(
        '/profiles',
        {
          schema: {
            tags,
            summary: 'Profile directory',
            description: 'All profiles ordered by tax number, by offset and limit; an offset past the end is empty.',
            querystring: {
              type: 'object',
              properties: {
                offset: { type: 'integer', minimum: 0, default: 0, description: 'Profiles to skip.' },
                limit: pageSize('Profiles per page, 1..1000.'),
              },
            },
            response: {
              200: object({
                results: list(profileSummarySchema),
                offset: integer('Offset asked for.', 0),
                limit: integer('Limit asked for.', 1),
                total: integer('Number of profiles in the directory.', 0),
              }),
              ...commonErrorResponses(),
            },
          },
        },
        async (request) => {
          const { offset, limit } = request.query;
          return { results: sorted.slice(offset, offset + limit), offset, limit, total: sorted.length };
        },
      );

      app.post<{ Body: { taxNumbers: string[] } }>(
        '/profiles/lookup',
        {
          schema: {
            tags,
            summary: 'Read profiles in one request',
            description:
              'The profiles found; tax numbers match on their nine digits (`123456789` finds `12-3456789`). Unknown ones are left out.',
            body: keyListBody('taxNumbers', 'Tax numbers to read.', '12-3456789'),
            response: { 200: object({ results: list(profileSchema) }), ...commonErrorResponses() },
          },
        },
        async (request) => ({ results: lookUpMany(byTax, request.body.taxNumbers, taxKey).found }),
      );

      app.get<{ Querystring: SearchQuery }>(
        '/profiles/search',
        {
          schema: {
            tags,
            summary: 'Find profiles by phone or e-mail',
            description: 'Give exactly one of `phone` (any format, last ten digits) or `email` (any case).',
            querystring: searchQuerySchema,
            response: { 200: object({ results: list(profileSummarySchema) }), ...commonErrorResponses() },
          },
        },
        async (request) => ({ results: search(request.query, indexes) }),
      );
    },
  };
}
