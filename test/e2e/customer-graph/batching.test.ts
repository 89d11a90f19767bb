import { requestsBetween, startTestHub, type TestHub } from '../../helpers/hub';

const ALL_DEPARTMENTS = /* GraphQL */ `
  query Page($first: Int!, $after: String) {
    customers(first: $first, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      nodes {
        id
        accounting {
          balance
          invoices(last: 2) {
            number
          }
        }
        sales {
          lifetimeValue
          orders(last: 2) {
            id
            items {
              sku
            }
          }
        }
        credit {
          limit
          riskBand
        }
        support {
          openTickets
          tickets(last: 2) {
            id
          }
        }
      }
    }
  }
`;

describe('batching', () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub({ scale: 300 });
  });
  afterAll(() => t.close());

  it('makes exactly one request to each system for 100 customers with all four departments', async () => {
    const before = await t.siloRequests();
    const result = await t.query<{ customers: { nodes: Array<Record<string, unknown>> } }>(ALL_DEPARTMENTS, {
      first: 100,
    });
    const after = await t.siloRequests();
    expect(result.errors).toBeUndefined();
    expect(result.data!.customers.nodes).toHaveLength(100);
    // Every department really answered for this page (not all null).
    for (const department of ['accounting', 'sales', 'credit', 'support']) {
      expect(result.data!.customers.nodes.filter((n) => n[department] !== null).length).toBeGreaterThan(30);
    }
    expect(requestsBetween(before, after)).toEqual({ accounting: 1, sales: 1, credit: 1, support: 1 });
  });

  it('makes no request to a system the query does not ask about', async () => {
    // A page the first test did not read, so nothing of it is in the repository yet.
    const skip = await t.query<{ customers: { pageInfo: { endCursor: string } } }>(
      `{ customers(first: 150) { pageInfo { endCursor } } }`,
    );
    const before = await t.siloRequests();
    await t.query(`query($after: String) { customers(first: 50, after: $after) { nodes { id credit { score } } } }`, {
      after: skip.data!.customers.pageInfo.endCursor,
    });
    expect(requestsBetween(before, await t.siloRequests())).toEqual({ accounting: 0, sales: 0, credit: 1, support: 0 });
  });

  it('walks every customer exactly once through the cursor connection', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    let total = 0;
    for (let page = 0; page < 20; page += 1) {
      const result: {
        data?: {
          customers: {
            totalCount: number;
            pageInfo: { hasNextPage: boolean; endCursor: string | null };
            nodes: Array<{ id: string }>;
          };
        } | null;
      } = await t.query(
        `query($after: String) { customers(first: 64, after: $after) { totalCount pageInfo { hasNextPage endCursor } nodes { id } } }`,
        { after },
      );
      const connection = result.data!.customers;
      total = connection.totalCount;
      seen.push(...connection.nodes.map((n) => n.id));
      if (!connection.pageInfo.hasNextPage) break;
      after = connection.pageInfo.endCursor;
    }
    expect(seen.length).toBe(total);
    expect(new Set(seen).size).toBe(total);
    expect([...seen].sort()).toEqual(seen);
  });

  it.each([
    ['customers(first: 0)', 'first'],
    ['customers(first: 501)', 'first'],
    ['customers(first: 10, after: "bm90LWEtY3Vyc29y")', 'after'],
  ])('rejects %s as BAD_USER_INPUT', async (field, argument) => {
    const result = await t.query(`{ ${field} { totalCount } }`);
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument });
  });
});
