import { SHIPPED_QUERIES } from '../../../gateway/shipped-queries';
import { ApiKeyRepository } from '../../../store/api-keys.repository';
import {
  SAVED_QUERIES_COLLECTION,
  SAVED_QUERY_VERSIONS_COLLECTION,
  SavedQueryRepository,
} from '../../../store/saved-queries.repository';
import { checkSavedDocument } from '../../../schema/saved-query/document';
import { documentHash } from '../../../gateway/trusted-documents';
import { startTestHub, type GraphQLResponse, type TestHub } from '../../helpers/hub';

interface SavedQueryView {
  name: string;
  version: number;
  description: string;
  document: string;
  documentId: string;
  owner: string;
  savedBy: string;
  tags: string[];
  status: 'OK' | 'BROKEN';
  problems: Array<{ message: string; locations: Array<{ line: number; column: number }> }>;
  variables: Array<{ name: string; type: string; defaultValue: unknown; hasDefault: boolean; required: boolean }>;
}

const VIEW = /* GraphQL */ `
  fragment View on SavedQuery {
    name
    version
    description
    document
    documentId
    owner
    savedBy
    tags
    status
    problems {
      message
      locations {
        line
        column
      }
    }
    variables {
      name
      type
      defaultValue
      hasDefault
      required
    }
  }
`;

const SAVE = /* GraphQL */ `
  mutation Save($input: SaveQueryInput!) {
    saveQuery(input: $input) {
      ...View
    }
  }
  ${VIEW}
`;

const RUN = /* GraphQL */ `
  query Run($name: String!, $variables: JSONObject, $version: Int) {
    runSavedQuery(name: $name, variables: $variables, version: $version) {
      name
      version
      data
      errors {
        message
        code
        path
      }
    }
  }
`;

const BALANCES = /* GraphQL */ `
  query Balances($first: Int = 5, $after: String) {
    customers(first: $first, after: $after) {
      nodes {
        id
        accounting {
          balance
        }
      }
    }
  }
`;

const SCORES = /* GraphQL */ `
  query Scores($first: Int = 3) {
    customers(first: $first) {
      nodes {
        id
        credit {
          score
        }
      }
    }
  }
`;

describe('saved queries over GraphQL', () => {
  let t: TestHub;
  const tokens = new Map<string, string>();

  beforeAll(async () => {
    t = await startTestHub({ scale: 120, auth: { enabled: true, keyCacheSeconds: 0 } });
    await t.hub.buildSnapshots();
    const keys = new ApiKeyRepository(t.hub.store.db);
    for (const [name, role] of [
      ['ana', 'analyst'],
      ['bea', 'analyst'],
      ['ops', 'admin'],
      ['desk', 'sales'],
      ['risk', 'credit'],
      ['books', 'accounting'],
      ['me', 'customer-self'],
    ])
      tokens.set(name, (await keys.create(name, [role])).token);
  });
  afterAll(() => t.close());

  async function as<T = Record<string, unknown>>(
    who: string,
    document: string,
    variables: Record<string, unknown> = {},
  ): Promise<GraphQLResponse<T>> {
    const response = await t.post(document, variables, { authorization: `Bearer ${tokens.get(who)}` });
    return (await response.json()) as GraphQLResponse<T>;
  }
  const codes = (answer: GraphQLResponse) => (answer.errors ?? []).map((error) => error.extensions?.code);
  const stored = () => t.hub.store.db.collection(SAVED_QUERY_VERSIONS_COLLECTION).countDocuments();

  it('ships a saved query per department, each valid, owned by Switchboard', async () => {
    const answer = await as<{ savedQueries: SavedQueryView[] }>('ana', `{ savedQueries { ...View } } ${VIEW}`);
    expect(answer.errors).toBeUndefined();
    const listed = answer.data!.savedQueries;
    expect(listed.map((query) => query.name)).toEqual(SHIPPED_QUERIES.map((query) => query.name).sort());
    for (const query of listed) {
      expect(query).toMatchObject({ version: 1, status: 'OK', problems: [], owner: 'Switchboard (shipped)' });
    }
    const winBack = listed.find((query) => query.name === 'win-back-list')!;
    expect(winBack.variables).toEqual([
      { name: 'lastOrderBefore', type: 'DateTimeISO!', defaultValue: null, hasDefault: false, required: true },
      { name: 'first', type: 'Int', defaultValue: 100, hasDefault: true, required: false },
      { name: 'after', type: 'String', defaultValue: null, hasDefault: false, required: false },
    ]);
  });

  it('names the variable a paged query is paged by, and none for a query without a paged list', async () => {
    for (const [name, document] of [
      ['paged-by-cursor', 'query ($c: String) { customers(first: 3, after: $c) { nodes { id } } }'],
      ['not-paged', '{ customers(first: 3) { nodes { id } } }'],
    ])
      expect((await as('ana', SAVE, { input: { name, description: name, document } })).errors).toBeUndefined();
    const answer = await as<{ a: { pagingVariable: string | null }; b: { pagingVariable: string | null } }>(
      'ana',
      '{ a: savedQuery(name: "paged-by-cursor") { pagingVariable } b: savedQuery(name: "not-paged") { pagingVariable } }',
    );
    expect(answer.data).toEqual({ a: { pagingVariable: 'c' }, b: { pagingVariable: null } });
    await as('ana', 'mutation { a: deleteSavedQuery(name: "paged-by-cursor") }');
    await as('ana', 'mutation { b: deleteSavedQuery(name: "not-paged") }');
  });

  it('finds saved queries by search over names, descriptions and tags, and by tag', async () => {
    const search = await as<{ savedQueries: Array<{ name: string }> }>(
      'desk',
      `{ bySearch: savedQueries(search: "CREDIT REVIEW") { name } byTag: savedQueries(tag: "collections") { name } }`,
    );
    expect(search.data).toEqual({
      bySearch: [{ name: 'risk-above-volume' }],
      byTag: [{ name: 'collections-call-list' }],
    });
  });

  it('saves a new query as version 1 and each later save as the next version, keeping the history', async () => {
    const input = { name: 'balances', description: 'Balances, five at a time.', document: BALANCES, tags: ['finance'] };
    const first = await as<{ saveQuery: SavedQueryView }>('ana', SAVE, { input });
    expect(first.errors).toBeUndefined();
    expect(first.data!.saveQuery).toMatchObject({ name: 'balances', version: 1, owner: 'ana', savedBy: 'ana' });
    expect(first.data!.saveQuery.documentId).toMatch(/^sha256:[0-9a-f]{64}$/);

    const changed = BALANCES.replace('$first: Int = 5', '$first: Int = 2');
    const second = await as<{ saveQuery: SavedQueryView }>('ana', SAVE, {
      input: { ...input, document: changed, description: 'Balances, two at a time.' },
    });
    expect(second.data!.saveQuery).toMatchObject({ version: 2, description: 'Balances, two at a time.' });

    const shown = await as<{
      latest: SavedQueryView & { history: Array<{ version: number; description: string }> };
      old: SavedQueryView;
    }>(
      'desk',
      `{ latest: savedQuery(name: "balances") { ...View history { version description } }
         old: savedQuery(name: "balances", version: 1) { ...View } } ${VIEW}`,
    );
    expect(shown.data!.latest.version).toBe(2);
    expect(shown.data!.latest.history).toEqual([
      { version: 2, description: 'Balances, two at a time.' },
      { version: 1, description: 'Balances, five at a time.' },
    ]);
    expect(shown.data!.old.document).toBe(BALANCES);
    // The listing shows the latest version only.
    const listed = await as<{ savedQueries: Array<{ name: string; version: number }> }>(
      'ana',
      '{ savedQueries(tag: "finance") { name version } }',
    );
    expect(listed.data!.savedQueries).toEqual([{ name: 'balances', version: 2 }]);
  });

  it('refuses a document that does not validate, with every problem and its place, and stores nothing', async () => {
    const before = await stored();
    const document = 'query Broken {\n  customers(first: 2) {\n    nodes { id balanse }\n  }\n}';
    const answer = await as('ana', SAVE, { input: { name: 'broken-one', description: 'typo', document } });
    expect(codes(answer)).toEqual(['SAVED_QUERY_INVALID']);
    expect(answer.errors![0].message).toContain('Cannot query field "balanse" on type "Customer"');
    expect(answer.errors![0].message).toContain('line 3, column 16');
    expect(answer.errors![0].extensions?.problems).toEqual([
      { message: expect.stringContaining('balanse'), locations: [{ line: 3, column: 16 }] },
    ]);
    const unparsable = await as('ana', SAVE, {
      input: { name: 'broken-one', description: 'x', document: '{ customers(' },
    });
    expect(codes(unparsable)).toEqual(['SAVED_QUERY_INVALID']);
    expect(unparsable.errors![0].extensions?.problems).toEqual([
      { message: expect.stringContaining('Syntax Error'), locations: [{ line: 1, column: 13 }] },
    ]);
    expect(await stored()).toBe(before);
    const shown = await as<{ savedQuery: null }>('ana', '{ savedQuery(name: "broken-one") { name } }');
    expect(shown.data).toEqual({ savedQuery: null });
  });

  it.each([
    ['a mutation', 'mutation { refreshCustomer(id: "cus_1") { systems { system } } }', 'is a mutation'],
    ['two operations', 'query A { __typename } query B { __typename }', 'holds 2'],
    [
      'a default of the wrong type',
      'query ($first: Int = "many") { customers(first: $first) { nodes { id } } }',
      'Int',
    ],
    ['a query that runs saved queries', '{ runSavedQuery(name: "scores") { data } }', 'cannot read saved queries'],
    [
      'a query that lists saved queries',
      '{ ...F } fragment F on Query { savedQueries { name } }',
      'cannot read saved queries',
    ],
    [
      // Cost depends on the page size a run gives: judged at the document's own default.
      'a query over the cost budget at its default page size',
      'query ($first: Int = 500) { customers(first: $first) { nodes { id name phones emails ' +
        'accounting { accountNumber balance overdueAmount currency } sales { lifetimeValue openOpportunities lastOrderAt } ' +
        'credit { riskBand limit } support { openTickets lastCallAt } } } }',
      'at its default page sizes, the query asks for too much at once',
    ],
    [
      "a variable named like one of the export's own parameters",
      'query ($limit: Int = 5) { customers(first: $limit) { nodes { id } } }',
      "cannot declare $limit: format, version, bom, limit are the export's own parameters",
    ],
  ])('refuses %s, storing nothing', async (_case, document, says) => {
    const before = await stored();
    const answer = await as('ana', SAVE, { input: { name: 'refused', description: 'refused', document } });
    expect(codes(answer)).toEqual(['SAVED_QUERY_INVALID']);
    expect(answer.errors![0].message).toContain(says);
    expect(await stored()).toBe(before);
  });

  it('still runs a version stored before a variable name was kept for the export, which the export names', async () => {
    const document = 'query ($limit: Int!) { customers(first: $limit) { nodes { id } } }';
    const check = checkSavedDocument(t.hub.schema, document);
    if (!check.ok) throw new Error('the old document should validate');
    await new SavedQueryRepository(t.hub.store.db).save(
      {
        name: 'old-limit',
        description: 'Saved before the rule',
        document,
        hash: documentHash(document),
        variables: check.variables,
        tags: [],
      },
      { id: 'ana', name: 'ana' },
    );
    const listed = await as<{ savedQuery: { status: string } }>('ana', '{ savedQuery(name: "old-limit") { status } }');
    expect(listed.data).toEqual({ savedQuery: { status: 'OK' } });
    const run = await as<{ runSavedQuery: { data: { customers: { nodes: unknown[] } } } }>(
      'ana',
      '{ runSavedQuery(name: "old-limit", variables: { limit: 2 }) { data } }',
    );
    expect(run.data!.runSavedQuery.data.customers.nodes).toHaveLength(2);
    const exported = await fetch(`${new URL(t.hub.url).origin}/queries/old-limit?limit=2`, {
      headers: { authorization: `Bearer ${tokens.get('ana')}` },
    });
    expect(exported.status).toBe(400);
    expect(((await exported.json()) as { errors: Array<{ message: string }> }).errors[0].message).toBe(
      'Saved query "old-limit" needs $limit, which this export reads as its own parameter: ' +
        'save a version that renames the variable, or run it with runSavedQuery',
    );
    await as('ana', 'mutation { deleteSavedQuery(name: "old-limit") }');
  });

  it.each([
    ['name', { name: 'Not A Name' }],
    ['description', { description: '  ' }],
    ['tags', { tags: ['Bad Tag'] }],
  ])('refuses a bad %s with BAD_USER_INPUT naming it', async (argument, change) => {
    const input = { name: 'fine-name', description: 'fine', document: BALANCES, ...change };
    const answer = await as('ana', SAVE, { input });
    expect(codes(answer)).toEqual(['BAD_USER_INPUT']);
    expect(answer.errors![0].extensions?.argument).toBe(argument);
  });

  it('lets only analysts and admins save, and only the owner or an admin save over a query', async () => {
    const input = { name: 'desk-list', description: 'x', document: BALANCES };
    const sales = await as('desk', SAVE, { input });
    expect(codes(sales)).toEqual(['FORBIDDEN']);
    const other = await as('bea', SAVE, { input: { name: 'balances', description: 'mine now', document: BALANCES } });
    expect(codes(other)).toEqual(['FORBIDDEN']);
    expect(other.errors![0].message).toContain('belongs to ana');
    const admin = await as<{ saveQuery: SavedQueryView }>('ops', SAVE, {
      input: { name: 'balances', description: 'Balances, by ops.', document: BALANCES, tags: ['finance'] },
    });
    expect(admin.data!.saveQuery).toMatchObject({ version: 3, owner: 'ana', savedBy: 'ops' });
    const customer = await as('me', '{ savedQueries { name } }');
    expect(codes(customer)).toEqual(['FORBIDDEN']);
  });

  it("runs a saved query with the caller's own roles, as their own query would answer", async () => {
    const input = { name: 'scores', description: 'Credit scores.', document: SCORES };
    await as('ana', SAVE, { input });
    for (const who of ['risk', 'desk']) {
      const direct = await as(who, SCORES, {});
      const run = await as<{ runSavedQuery: { data: unknown; errors: unknown[]; version: number } }>(who, RUN, {
        name: 'scores',
      });
      expect(run.errors).toBeUndefined();
      expect(run.data!.runSavedQuery.data).toEqual(direct.data);
      expect(run.data!.runSavedQuery.errors).toEqual(
        (direct.errors ?? []).map((error) => ({
          message: error.message,
          code: error.extensions?.code,
          path: error.path,
        })),
      );
    }
    // Sales may not read credit scores: every score is null with a FORBIDDEN error beside it.
    const sales = await as<{ runSavedQuery: { data: { customers: { nodes: Array<{ credit: unknown }> } } } }>(
      'desk',
      RUN,
      { name: 'scores', variables: { first: 2 } },
    );
    const errors = (sales.data!.runSavedQuery as unknown as { errors: Array<{ code: string }> }).errors;
    expect(errors.length).toBeGreaterThan(0);
    expect(new Set(errors.map((error) => error.code))).toEqual(new Set(['FORBIDDEN']));
    expect(JSON.stringify(sales.data!.runSavedQuery.data)).not.toMatch(/"score":\d/);
    const risk = await as<{
      runSavedQuery: { data: { customers: { nodes: Array<{ credit: { score: number } | null }> } } };
    }>('risk', RUN, { name: 'scores' });
    expect(risk.data!.runSavedQuery.data.customers.nodes.some((node) => typeof node.credit?.score === 'number')).toBe(
      true,
    );
  });

  it('runs an older version by number', async () => {
    const v1 = await as<{ runSavedQuery: { version: number; data: { customers: { nodes: unknown[] } } } }>(
      'books',
      RUN,
      {
        name: 'balances',
        version: 2,
      },
    );
    expect(v1.data!.runSavedQuery.version).toBe(2);
    expect(v1.data!.runSavedQuery.data.customers.nodes).toHaveLength(2);
    const latest = await as<{ runSavedQuery: { version: number; data: { customers: { nodes: unknown[] } } } }>(
      'books',
      RUN,
      {
        name: 'balances',
      },
    );
    expect(latest.data!.runSavedQuery).toMatchObject({ version: 3 });
    expect(latest.data!.runSavedQuery.data.customers.nodes).toHaveLength(5);
  });

  it.each([
    ['an unknown name', { name: 'no-such-query' }, 'SAVED_QUERY_NOT_FOUND', 'No saved query is named', undefined],
    [
      'a version that does not exist',
      { name: 'balances', version: 9 },
      'SAVED_QUERY_NOT_FOUND',
      'versions are 1 to 3',
      undefined,
    ],
    ['a missing variable', { name: 'win-back-list' }, 'BAD_USER_INPUT', 'was not provided', 'lastOrderBefore'],
    [
      'a mistyped variable',
      { name: 'win-back-list', variables: { lastOrderBefore: 'last spring' } },
      'BAD_USER_INPUT',
      'lastOrderBefore',
      'lastOrderBefore',
    ],
    [
      'an undeclared variable',
      { name: 'balances', variables: { frist: 2 } },
      'BAD_USER_INPUT',
      'declares first, after',
      'frist',
    ],
  ])('refuses to run %s with a clear error', async (_case, variables, code, says, argument) => {
    const answer = await as('books', RUN, variables);
    expect(codes(answer)).toEqual([code]);
    expect(answer.errors![0].message).toContain(says);
    expect(answer.errors![0].extensions?.argument).toBe(argument);
  });

  it('deletes a query with its history, as its owner or an admin only', async () => {
    const other = await as('bea', 'mutation { deleteSavedQuery(name: "balances") }');
    expect(codes(other)).toEqual(['FORBIDDEN']);
    const shipped = await as('ana', 'mutation { deleteSavedQuery(name: "upsell-list") }');
    expect(codes(shipped)).toEqual(['FORBIDDEN']);
    const own = await as('ana', 'mutation { deleteSavedQuery(name: "balances") }');
    expect(own.data).toEqual({ deleteSavedQuery: true });
    const db = t.hub.store.db;
    expect(await db.collection(SAVED_QUERY_VERSIONS_COLLECTION).countDocuments({ name: 'balances' })).toBe(0);
    // What is left is the mark a later query of that name numbers on from, never a listed query.
    expect(
      await db
        .collection(SAVED_QUERIES_COLLECTION)
        .find({ _id: 'balances' as never })
        .toArray(),
    ).toEqual([{ _id: 'balances', deleted: true, version: expect.any(Number), deletedAt: expect.any(Date) }]);
    const again = await as('ana', 'mutation { deleteSavedQuery(name: "balances") }');
    expect(codes(again)).toEqual(['SAVED_QUERY_NOT_FOUND']);
  });

  it('lists a query the graph no longer runs as BROKEN with the reason, and refuses to run it', async () => {
    t.reconfigure({ connectors: { credit: { enabled: false } } });
    const report = await t.hub.reload();
    expect(report.ok).toBe(true);
    const listed = await as<{ savedQuery: SavedQueryView }>(
      'ana',
      `{ savedQuery(name: "upsell-list") { ...View } } ${VIEW}`,
    );
    expect(listed.data!.savedQuery.status).toBe('BROKEN');
    expect(listed.data!.savedQuery.problems[0].message).toMatch(/credit/);
    const run = await as('ops', RUN, { name: 'upsell-list' });
    expect(codes(run)).toEqual(['SAVED_QUERY_INVALID']);
    expect(run.errors![0].message).toContain('no longer runs');
  });
});
