import type { SiloDefinition } from '../common/app';
import { commonErrorResponses, errorSchema, SiloHttpError } from '../common/errors';
import { emailKey, indexBy, lookUpMany, phoneKey, uniqueIndex } from '../common/indexes';
import { decodeCursor, pageAfter, sortByKey } from '../common/paging';
import { keyListBody, list, object, pageSize, text } from '../common/schemas';
import { search, searchQuerySchema, type SearchQuery } from '../common/search';
import type { Account } from '../generator/types';
import { accountSchema, accountSummarySchema } from './accounting.schemas';

/**
 * The accounting system: accounts keyed by account number, with cursor paging. Routes answer
 * full `Account` records; where the README promises a summary, the response schema lets
 * fastify's serializer send only the summary fields.
 */
export function accountingSilo(accounts: readonly Account[]): SiloDefinition {
  const byNumber = uniqueIndex(accounts, (account) => account.accountNumber);
  const sorted = sortByKey(accounts, (account) => account.accountNumber);
  const indexes = {
    phone: indexBy(accounts, (account) => [phoneKey(account.phone)]),
    email: indexBy(accounts, (account) => [emailKey(account.email)]),
  };
  const tags = ['accounts'];

  return {
    name: 'accounting',
    title: 'Accounting',
    description: 'Customer accounts, invoices and payments, keyed by account number (`AC-0001234`).',
    tag: { name: 'accounts', description: 'Customer accounts and their ledgers.' },
    routes(app) {
      app.get<{ Querystring: { limit: number; cursor?: string } }>(
        '/accounts',
        {
          schema: {
            tags,
            summary: 'Account directory',
            description:
              'All accounts ordered by account number, a page at a time; follow `nextCursor` until it is null.',
            querystring: {
              type: 'object',
              properties: {
                limit: pageSize('Accounts per page, 1..1000.'),
                cursor: text('`nextCursor` of the previous page; leave out for the first page.'),
              },
            },
            response: {
              200: object({
                items: list(accountSummarySchema),
                nextCursor: { type: ['string', 'null'], description: 'Null on the last page.' },
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
          return { items, nextCursor: next };
        },
      );

      app.post<{ Body: { accountNumbers: string[] } }>(
        '/accounts/batch',
        {
          schema: {
            tags,
            summary: 'Read accounts in one request',
            description: 'The accounts found (in no particular order) and the account numbers that were not.',
            body: keyListBody('accountNumbers', 'Account numbers to read.', 'AC-0001234'),
            response: {
              200: object({
                accounts: list(accountSchema),
                missing: list({ type: 'string' }, 'Requested numbers with no account.'),
              }),
              ...commonErrorResponses(),
            },
          },
        },
        async (request) => {
          const { found, missing } = lookUpMany(byNumber, request.body.accountNumbers);
          return { accounts: found, missing };
        },
      );

      app.get<{ Querystring: SearchQuery }>(
        '/accounts/search',
        {
          schema: {
            tags,
            summary: 'Find accounts by phone or e-mail',
            description: 'Give exactly one of `phone` (any format, last ten digits) or `email` (any case).',
            querystring: searchQuerySchema,
            response: { 200: object({ accounts: list(accountSummarySchema) }), ...commonErrorResponses() },
          },
        },
        async (request) => ({ accounts: search(request.query, indexes) }),
      );

      app.get<{ Params: { accountNumber: string } }>(
        '/accounts/:accountNumber',
        {
          schema: {
            tags,
            summary: 'Read one account',
            params: object({ accountNumber: text('The account number.', 'AC-0001234') }),
            response: {
              200: accountSchema,
              404: errorSchema('No account has this number.'),
              ...commonErrorResponses(),
            },
          },
        },
        async (request) => {
          const account = byNumber.get(request.params.accountNumber);
          if (!account) throw new SiloHttpError(404, `No account has the number ${request.params.accountNumber}.`);
          return account;
        },
      );
    },
  };
}
