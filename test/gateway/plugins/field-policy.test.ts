import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ApolloServer } from '@apollo/server';
import { buildSchema } from 'graphql';
import { FreshnessLog, type RequestContext } from '../../../gateway/runtime';
import { loadAccessPolicy } from '../../../gateway/auth/policy';
import { ApolloServerPluginFieldPolicy } from '../../../gateway/plugins/field-policy';
import type { Role } from '../../../schema/principal';

// A graph with what the customer graph does not have yet: an interface, a union, a list of lists.
const schema = buildSchema(/* GraphQL */ `
  type Query {
    node(id: ID!): Node
    search: [SearchResult]!
    grid: [[Cell!]]!
    customer: Customer
    secretCount: Int!
  }
  interface Node {
    id: ID!
    secret: String
  }
  type Account implements Node {
    id: ID!
    secret: String
    owner: String
  }
  type Ticket implements Node {
    id: ID!
    secret: String
    subject: String!
  }
  union SearchResult = Account | Ticket
  type Cell {
    value: Int
    note: String
    hidden: Int!
  }
  type Customer {
    id: ID!
    name: String
    score: Int
    credit: CreditProfile
  }
  type CreditProfile {
    legalName: String
    limit: Int
  }
`);

const POLICY = `
types:
  Query: { "*": [support], secretCount: [admin] }
  Account: { "*": [support], secret: [admin] }
  Ticket: { "*": [support], subject: [admin] }
  Cell: { "*": [support], note: [admin], hidden: [admin] }
  Customer: { "*": [support], score: [admin] }
  CreditProfile: { "*": [support], limit: [admin] }
`;

/** Every guarded resolver that ran, as `Type.field`: a denied field must never be among them. */
const executed: string[] = [];
const resolver = (name: string, value: unknown) => () => {
  executed.push(name);
  return value;
};
const account = (id: string) => ({
  __typename: 'Account',
  id,
  secret: resolver('Account.secret', `account ${id} secret`),
  owner: 'Ada',
});
const ticket = (id: string) => ({
  __typename: 'Ticket',
  id,
  secret: resolver('Ticket.secret', `ticket ${id} secret`),
  subject: resolver('Ticket.subject', 'Printer on fire'),
});
const cell = (value: number) => ({ value, note: resolver('Cell.note', 'n'), hidden: resolver('Cell.hidden', 0) });
const rootValue = {
  node: ({ id }: { id: string }) => (id.startsWith('a') ? account(id) : ticket(id)),
  search: () => [account('a1'), ticket('t1')],
  grid: () => [[cell(1), cell(2)], [cell(3)], null],
  customer: () => ({
    id: 'c1',
    name: 'Ada',
    score: resolver('Customer.score', 720),
    credit: { legalName: 'Ada Ltd', limit: resolver('CreditProfile.limit', 5000) },
  }),
  secretCount: resolver('Query.secretCount', 3),
};

describe('ApolloServerPluginFieldPolicy', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'sb-field-policy-'));
  let server: ApolloServer<RequestContext>;
  beforeAll(async () => {
    const file = path.join(dir, 'policy.yaml');
    writeFileSync(file, POLICY);
    server = new ApolloServer<RequestContext>({
      schema,
      rootValue,
      plugins: [ApolloServerPluginFieldPolicy({ policy: loadAccessPolicy(file, schema), schema })],
    });
    await server.start();
  });
  afterAll(async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    executed.length = 0;
  });

  /** Runs a document as a support agent: the data, each error's path and code, and what ran. */
  async function asSupport(query: string) {
    return withRoles(query, ['support']);
  }

  /** Runs a document as a caller with these roles. */
  async function withRoles(query: string, roles: Role[]) {
    const response = await server.executeOperation(
      { query },
      {
        contextValue: {
          requestId: 'r',
          principal: { kind: 'api-key', id: 'k', name: 'desk', roles: new Set(roles) },
          freshness: new FreshnessLog(),
          scopes: new Map(),
        },
      },
    );
    if (response.body.kind !== 'single') throw new Error('expected a single result');
    const { data, errors } = response.body.singleResult;
    return { data, errors: errors?.map((e) => [e.path, e.extensions?.code, e.message]), executed: [...executed] };
  }

  it('judges a field selected on an interface by each object’s own type, running only the allowed one', async () => {
    const answer = await asSupport(/* GraphQL */ `
      {
        a: node(id: "a1") {
          id
          secret
        }
        t: node(id: "t1") {
          id
          secret
        }
      }
    `);
    expect(answer).toEqual({
      data: { a: { id: 'a1', secret: null }, t: { id: 't1', secret: 'ticket t1 secret' } },
      errors: [[['a', 'secret'], 'FORBIDDEN', 'Your roles may not read Account.secret']],
      executed: ['Ticket.secret'],
    });
  });

  it('denies a field in an inline fragment on one union member, though another member answers the same key', async () => {
    const answer = await asSupport(/* GraphQL */ `
      {
        search {
          ... on Account {
            id
            x: secret
          }
          ... on Ticket {
            id
            x: secret
          }
        }
      }
    `);
    expect(answer).toEqual({
      data: {
        search: [
          { id: 'a1', x: null },
          { id: 't1', x: 'ticket t1 secret' },
        ],
      },
      errors: [[['search', 0, 'x'], 'FORBIDDEN', 'Your roles may not read Account.secret']],
      executed: ['Ticket.secret'],
    });
  });

  it('nulls only the nullable list item whose non-null field is denied, through a named fragment on the interface', async () => {
    const answer = await asSupport(/* GraphQL */ `
      {
        search {
          ...Identified
          ... on Ticket {
            subject
          }
        }
      }
      fragment Identified on Node {
        id
        secret
      }
    `);
    expect(answer).toEqual({
      data: { search: [{ id: 'a1', secret: null }, null] },
      errors: [
        [['search', 0, 'secret'], 'FORBIDDEN', 'Your roles may not read Account.secret'],
        [['search', 1, 'subject'], 'FORBIDDEN', 'Your roles may not read Ticket.subject'],
      ],
      executed: ['Ticket.secret'],
    });
  });

  it('reports a denied field in a list of lists at each item’s own path', async () => {
    const answer = await asSupport(/* GraphQL */ `
      {
        grid {
          value
          note
        }
      }
    `);
    const forbidden = (i: number, j: number) => [
      ['grid', i, j, 'note'],
      'FORBIDDEN',
      'Your roles may not read Cell.note',
    ];
    expect(answer).toEqual({
      data: {
        grid: [
          [
            { value: 1, note: null },
            { value: 2, note: null },
          ],
          [{ value: 3, note: null }],
          null,
        ],
      },
      errors: [forbidden(0, 0), forbidden(0, 1), forbidden(1, 0)],
      executed: [],
    });
  });

  it('takes a denied non-null field of a list of lists up to the nearest nullable list', async () => {
    const answer = await asSupport(/* GraphQL */ `
      {
        grid {
          value
          hidden
        }
      }
    `);
    expect(answer.data).toEqual({ grid: [null, null, null] });
    expect(answer.errors?.map(([at]) => at)).toEqual([
      ['grid', 0, 0, 'hidden'],
      ['grid', 0, 1, 'hidden'],
      ['grid', 1, 0, 'hidden'],
    ]);
    expect(answer.executed).toEqual([]);
  });

  it('denies fields of Customer and of a department type reached through named and inline fragments, running neither', async () => {
    const answer = await asSupport(/* GraphQL */ `
      {
        customer {
          ...CustomerFields
        }
      }
      fragment CustomerFields on Customer {
        id
        ... on Customer {
          score
        }
        credit {
          ...CreditFields
        }
      }
      fragment CreditFields on CreditProfile {
        legalName
        limit
      }
    `);
    expect(answer).toEqual({
      data: { customer: { id: 'c1', score: null, credit: { legalName: 'Ada Ltd', limit: null } } },
      errors: [
        [['customer', 'score'], 'FORBIDDEN', 'Your roles may not read Customer.score'],
        [['customer', 'credit', 'limit'], 'FORBIDDEN', 'Your roles may not read CreditProfile.limit'],
      ],
      executed: [],
    });
  });

  it('leaves no data at all for a denied non-null root field, as GraphQL says', async () => {
    const answer = await asSupport('{ secretCount customer { id } }');
    expect(answer).toEqual({
      data: null,
      errors: [[['secretCount'], 'FORBIDDEN', 'Your roles may not read Query.secretCount']],
      executed: [],
    });
  });

  it('guards the same document anew for each set of roles: an admin’s run opens nothing to a support agent', async () => {
    const query = '{ customer { name score credit { limit } } }';
    const admin = await withRoles(query, ['admin', 'support']);
    expect(admin.errors).toBeUndefined();
    expect(admin.data).toEqual({ customer: { name: 'Ada', score: 720, credit: { limit: 5000 } } });
    executed.length = 0;
    const support = await asSupport(query);
    expect(support.data).toEqual({ customer: { name: 'Ada', score: null, credit: { limit: null } } });
    expect(support.executed).toEqual([]);
    const again = await withRoles(query, ['support', 'admin']);
    expect(again.data).toEqual(admin.data);
  });

  it('runs an operation with nothing denied as the caller wrote it', async () => {
    const answer = await asSupport('{ search { ... on Ticket { id secret } } node(id: "t1") { id } }');
    expect(answer).toEqual({
      data: { search: [{}, { id: 't1', secret: 'ticket t1 secret' }], node: { id: 't1' } },
      errors: undefined,
      executed: ['Ticket.secret'],
    });
  });
});
