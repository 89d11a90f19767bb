import { request as httpRequest } from 'node:http';
import { parse as parseCsv } from 'csv-parse/sync';
import { ApiKeyRepository } from '../../../store/api-keys.repository';
import { startTestHub, type GraphQLResponse, type TestHub } from '../../helpers/hub';

/** A whole HTTP answer, trailers included (fetch does not expose them), or how the transfer broke. */
interface Download {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  trailers: Record<string, string | undefined>;
  body: string;
}

function download(url: string, token: string | null): Promise<Download> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { headers: token ? { authorization: `Bearer ${token}` } : {} }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', reject);
      response.on('end', () =>
        resolve({
          status: response.statusCode ?? 0,
          headers: response.headers,
          trailers: response.trailers,
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
    });
    request.on('error', reject);
    request.end();
  });
}

const ALL_BALANCES = /* GraphQL */ `
  query AllBalances($first: Int = 7, $after: String) {
    customers(first: $first, after: $after) {
      totalCount
      nodes {
        id
        name
        accounting {
          balance
          currency
        }
      }
    }
  }
`;

// Two root lists, each paged by its own variable: the export follows the first only.
const TWO_LISTS = /* GraphQL */ `
  query TwoLists($after: String, $other: String) {
    first: customers(first: 5, after: $after) {
      nodes {
        id
      }
    }
    second: customers(first: 5, after: $other) {
      nodes {
        name
      }
    }
  }
`;

const SCORES = /* GraphQL */ `
  query Scores($first: Int = 50, $after: String) {
    customers(first: $first, after: $after) {
      nodes {
        id
        credit {
          score
        }
      }
    }
  }
`;

describe('GET /queries/<name>: saved queries streamed as JSON, NDJSON or CSV', () => {
  let t: TestHub;
  let base: string;
  const tokens = new Map<string, string>();
  /** Every customer in list order, with the same fields, read page by page over GraphQL. */
  let expected: Array<{ id: string; name: string; accounting: { balance: number; currency: string } | null }>;

  beforeAll(async () => {
    t = await startTestHub({ scale: 60, auth: { enabled: true, keyCacheSeconds: 0 } });
    await t.hub.buildSnapshots();
    base = t.hub.url.replace('/graphql', '/queries');
    const keys = new ApiKeyRepository(t.hub.store.db);
    for (const [name, role] of [
      ['ana', 'analyst'],
      ['desk', 'sales'],
      ['me', 'customer-self'],
    ])
      tokens.set(name, (await keys.create(name, [role])).token);
    const as = async <T>(document: string, variables: Record<string, unknown>) =>
      (await (
        await t.post(document, variables, { authorization: `Bearer ${tokens.get('ana')}` })
      ).json()) as GraphQLResponse<T>;
    for (const [name, document] of [
      ['all-balances', ALL_BALANCES],
      ['scores', SCORES],
      ['two-lists', TWO_LISTS],
    ]) {
      const saved = await as(
        /* GraphQL */ `
          mutation ($input: SaveQueryInput!) {
            saveQuery(input: $input) {
              version
            }
          }
        `,
        { input: { name, description: name, document } },
      );
      expect(saved.errors).toBeUndefined();
    }
    expected = [];
    let after: string | null = null;
    do {
      type Page = {
        customers: { pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: typeof expected };
      };
      const page: GraphQLResponse<Page> = await as<Page>(
        `query ($after: String) { customers(first: 25, after: $after) { pageInfo { hasNextPage endCursor } nodes { id name accounting { balance currency } } } }`,
        { after },
      );
      expected.push(...page.data!.customers.nodes);
      after = page.data!.customers.pageInfo.hasNextPage ? page.data!.customers.pageInfo.endCursor : null;
    } while (after);
  });
  afterAll(() => t.close());

  it('streams every page of a paged query as CSV: one row per customer, columns from field paths', async () => {
    const answer = await download(`${base}/all-balances?format=csv`, tokens.get('ana')!);
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(answer.headers['content-disposition']).toBe('attachment; filename="all-balances-v1.csv"');
    expect(answer.headers['x-total-count']).toBe(String(expected.length));
    expect(answer.trailers['switchboard-errors']).toBe('0');
    expect(answer.body.split('\n')[0]).toBe('id,name,accounting.balance,accounting.currency');
    const rows = parseCsv<Record<string, string>>(answer.body, { columns: true });
    // Pages of 7 over 60-odd customers: the export followed every cursor.
    expect(expected.length).toBeGreaterThan(7 * 3);
    expect(rows).toEqual(
      expected.map((customer) => ({
        id: customer.id,
        name: customer.name,
        'accounting.balance': customer.accounting ? String(customer.accounting.balance) : '',
        'accounting.currency': customer.accounting?.currency ?? '',
      })),
    );
  });

  it('stops at limit=N rows: JSON says it was cut short, and a limit past the end cuts nothing', async () => {
    // 10 rows end inside the second page of 7: the rest of that page and the pages after are left.
    const cut = JSON.parse((await download(`${base}/all-balances?limit=10`, tokens.get('ana')!)).body);
    expect(cut.data).toEqual(expected.slice(0, 10));
    expect(cut.truncated).toBe(true);
    // Exactly one page's worth, with more pages behind it: still cut short.
    const onePage = JSON.parse((await download(`${base}/all-balances?limit=7`, tokens.get('ana')!)).body);
    expect(onePage.data).toEqual(expected.slice(0, 7));
    expect(onePage.truncated).toBe(true);
    const all = JSON.parse((await download(`${base}/all-balances?limit=${expected.length}`, tokens.get('ana')!)).body);
    expect(all.data).toEqual(expected);
    expect(all.truncated).toBe(false);
    const csv = await download(`${base}/all-balances?format=csv&limit=3`, tokens.get('ana')!);
    expect(csv.body.trimEnd().split('\n')).toHaveLength(1 + 3);
    const bad = await download(`${base}/all-balances?limit=0`, tokens.get('ana')!);
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body).errors[0].message).toBe('limit is a whole number of rows from 1; got "0"');
  });

  it('streams NDJSON and JSON with the same rows, and starts CSV with a BOM when asked', async () => {
    const ndjson = await download(`${base}/all-balances?format=ndjson&first=11`, tokens.get('ana')!);
    expect(ndjson.headers['content-type']).toBe('application/x-ndjson; charset=utf-8');
    const lines = ndjson.body
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as unknown);
    expect(lines).toEqual(expected);
    const json = await download(`${base}/all-balances`, tokens.get('ana')!);
    expect(JSON.parse(json.body)).toEqual({
      columns: [
        { name: 'id', path: ['id'], json: false },
        { name: 'name', path: ['name'], json: false },
        { name: 'accounting.balance', path: ['accounting', 'balance'], json: false },
        { name: 'accounting.currency', path: ['accounting', 'currency'], json: false },
      ],
      data: expected,
      truncated: false,
      errorCount: 0,
      errors: [],
    });
    const bom = await download(`${base}/all-balances?format=csv&bom=1`, tokens.get('ana')!);
    expect(bom.body.startsWith('\ufeffid,name')).toBe(true);
  });

  it("applies the caller's roles: denied cells are empty, and the errors are counted and listed", async () => {
    const csv = await download(`${base}/scores?format=csv`, tokens.get('desk')!);
    expect(csv.status).toBe(200);
    const rows = parseCsv<Record<string, string>>(csv.body, { columns: true });
    expect(rows).toHaveLength(expected.length);
    expect(rows.every((row) => row['credit.score'] === '')).toBe(true);
    expect(csv.trailers['switchboard-errors']).toMatch(/^[1-9]\d* \(FORBIDDEN\)$/);
    const json = JSON.parse((await download(`${base}/scores`, tokens.get('desk')!)).body) as {
      errorCount: number;
      errors: Array<{ extensions: { code: string } }>;
    };
    // One denied score per customer with a credit record, every one counted (as the CSV's trailer
    // counts them); the same error is listed once, not once per row.
    expect(json.errorCount).toBeGreaterThan(1);
    expect(`${json.errorCount} (FORBIDDEN)`).toBe(csv.trailers['switchboard-errors']);
    expect(json.errors).toHaveLength(1);
    expect(new Set(json.errors.map((error) => error.extensions.code))).toEqual(new Set(['FORBIDDEN']));
  });

  it.each([
    ['an unknown name', '/no-such-query', 'ana', 404, 'SAVED_QUERY_NOT_FOUND', undefined],
    ['a version that does not exist', '/all-balances?version=4', 'ana', 404, 'SAVED_QUERY_NOT_FOUND', undefined],
    ['a bad version', '/all-balances?version=first', 'ana', 400, 'BAD_USER_INPUT', 'version'],
    ['an unknown format', '/all-balances?format=xlsx', 'ana', 400, 'BAD_USER_INPUT', 'format'],
    ['a missing variable', '/win-back-list?format=csv', 'ana', 400, 'BAD_USER_INPUT', 'lastOrderBefore'],
    ['a mistyped variable', '/all-balances?first=many', 'ana', 400, 'BAD_USER_INPUT', 'first'],
    ['a mistyped date', '/win-back-list?lastOrderBefore=yesterday', 'ana', 400, 'BAD_USER_INPUT', 'lastOrderBefore'],
    ['an undeclared variable', '/all-balances?frist=3', 'ana', 400, 'BAD_USER_INPUT', 'frist'],
    ['a caller who may not run saved queries', '/all-balances', 'me', 403, 'FORBIDDEN', undefined],
    ['a second list it would export one page of', '/two-lists', 'ana', 400, 'BAD_USER_INPUT', 'other'],
  ])(
    'answers %s before streaming anything, with a status and the error',
    async (_case, path, who, status, code, argument) => {
      const answer = await download(`${base}${path}`, tokens.get(who)!);
      expect(answer.status).toBe(status);
      const body = JSON.parse(answer.body) as {
        errors: Array<{ message: string; extensions: Record<string, unknown> }>;
      };
      expect(body.errors[0].extensions.code).toBe(code);
      expect(body.errors[0].extensions.argument).toBe(argument);
      if (argument) expect(body.errors[0].message).toContain(argument);
    },
  );

  it('asks for a credential first', async () => {
    expect((await download(`${base}/all-balances`, null)).status).toBe(401);
  });

  it('runs a shipped query with a date variable from the query string', async () => {
    const answer = await download(
      `${base}/win-back-list?format=ndjson&lastOrderBefore=${encodeURIComponent('2030-01-01T00:00:00Z')}`,
      tokens.get('ana')!,
    );
    expect(answer.status).toBe(200);
    const lines = answer.body.trimEnd().split('\n').filter(Boolean);
    expect(lines.length).toBeGreaterThan(0);
    expect(answer.trailers['switchboard-errors']).toBe('0');
  });
});
