import { parse } from 'graphql';
import { createQueryLimits } from '../../gateway/plugins/query-limits';
import { startTestHub, type TestHub } from '../helpers/hub';
import { post, refusal, repeat, workDone } from './helpers';

/**
 * Hostile documents against a real hub with the default budgets: each is refused with its code
 * before any department system or the store is asked (the systems' own `/_stats` and the
 * store's command counter do not move), while a normal query at the same time still succeeds.
 */
let t: TestHub;
let phone: string;

beforeAll(async () => {
  t = await startTestHub({ scale: 20, responseCache: { maxEntries: 0 } });
  const page = await t.query<{ customers: { nodes: Array<{ phones: string[] }> } }>(
    /* GraphQL */ '{ customers(first: 1) { nodes { phones } } }',
  );
  phone = page.data!.customers.nodes[0].phones[0];
}, 60_000);
afterAll(async () => {
  await t?.close();
});

/** Sends `body`, and checks it was refused with `expected` without any work done. */
async function expectRefusedWithoutWork(body: unknown, expected: { code: string; limit?: string }, status = 200) {
  const before = await workDone(t);
  const response = await post(t, body);
  expect(refusal(response)).toEqual({ code: expected.code, limit: expected.limit });
  expect(response.body.data ?? null).toBeNull();
  expect(response.status).toBe(status);
  expect(await workDone(t)).toEqual(before);
  return response;
}

/** A customer lookup selecting `selection`, for documents that would reach the store if accepted. */
const lookup = (selection: string) => `{ customer(id: "cus_0000000000000000") { ${selection} } }`;

describe('the budgets against hostile documents', () => {
  it('refuses 20,000 copies of one field in a 60 KB document by its length, before lexing it', async () => {
    const response = await expectRefusedWithoutWork(
      { query: lookup(repeat(() => 'id', 20_000)) },
      { code: 'QUERY_TOO_COMPLEX', limit: 'documentCharacters' },
      400,
    );
    expect(response.body.errors![0].message).toMatch(/at most 15000 allowed \(limits\.documentCharacters\)/);
  });

  it('accepts documents of growing length until the token limit, and refuses every one past it', async () => {
    for (const copies of [10, 100, 500, 1_000, 2_000, 4_000]) {
      const body = { query: lookup(repeat(() => 'id', copies)) };
      const tokens = copies + 9; // `{ customer ( id : "..." ) {` ... `} }`
      if (tokens <= 1_000) {
        const response = await post(t, body);
        expect({ copies, errors: response.body.errors }).toEqual({ copies, errors: undefined });
      } else {
        await expectRefusedWithoutWork(body, { code: 'QUERY_TOO_COMPLEX', limit: 'tokens' });
      }
    }
  });

  it('refuses documents nested deeper than 6 levels, and accepts them up to it', async () => {
    // customers > edges > node > sales > orders > items, a level more each time, under a leaf.
    const levels = ['customers(first: 1)', 'edges', 'node', 'sales', 'orders(last: 1)', 'items'];
    for (let count = 1; count <= levels.length; count++) {
      const depth = count + 1;
      const query = `{ ${levels.slice(0, count).join(' { ')} { __typename }${' }'.repeat(count - 1)} }`;
      if (depth <= 6) {
        const response = await post(t, { query });
        expect({ depth, errors: response.body.errors }).toEqual({ depth, errors: undefined });
      } else await expectRefusedWithoutWork({ query }, { code: 'QUERY_TOO_COMPLEX', limit: 'depth' });
    }
  });

  it('counts fields, not fragments, toward the depth: 6 levels through fragments pass, a 7th does not', async () => {
    // customers > edges > node > sales > orders > (leaf): depth 6, with a fragment or an inline
    // fragment around every level but the first. `items` under `orders` makes it 7.
    const document = (leaf: string) => /* GraphQL */ `
      query {
        customers(first: 1) {
          ...Page
        }
      }
      fragment Page on CustomerConnection {
        ... on CustomerConnection {
          edges {
            ... on CustomerEdge {
              node {
                ...Sales
              }
            }
          }
        }
      }
      fragment Sales on Customer {
        ... on Customer {
          sales {
            ... on SalesProfile {
              orders(last: 1) {
                ${leaf}
              }
            }
          }
        }
      }
    `;
    const response = await post(t, { query: document('id') });
    expect(response.body.errors).toBeUndefined();
    await expectRefusedWithoutWork({ query: document('items { sku }') }, { code: 'QUERY_TOO_COMPLEX', limit: 'depth' });
  });

  it('refuses 1,000 aliases of a page of 500 customers by length, and 16 of them by the alias limit', async () => {
    const aliased = (count: number) => `{ ${repeat((i) => `a${i}: customers(first: 500) { nodes { id } }`, count)} }`;
    await expectRefusedWithoutWork(
      { query: aliased(1_000) },
      { code: 'QUERY_TOO_COMPLEX', limit: 'documentCharacters' },
      400,
    );
    await expectRefusedWithoutWork({ query: aliased(16) }, { code: 'QUERY_TOO_COMPLEX', limit: 'aliases' });
  });

  it('refuses two pages of 500 customers with all departments by cost, however the page size is written', async () => {
    const nodes =
      'nodes { id accounting { balance } sales { lifetimeValue } credit { score } support { openTickets } }';
    await expectRefusedWithoutWork(
      { query: `{ a: customers(first: 500) { ${nodes} } b: customers(first: 500) { ${nodes} } }` },
      { code: 'QUERY_TOO_COMPLEX', limit: 'cost' },
    );
    await expectRefusedWithoutWork(
      {
        query: `query Pages($n: Int = 20) { a: customers(first: $n) { ${nodes} } b: customers(first: $n) { ${nodes} } }`,
        variables: { n: 500 },
      },
      { code: 'QUERY_TOO_COMPLEX', limit: 'cost' },
    );
  });

  it('costs a page size not given at what a run without it gets: the argument’s default in the schema', () => {
    const limits = createQueryLimits({ cost: 200 });
    const document = parse(
      'query ($n: Int) { customers(first: $n) { nodes { id accounting { balance } sales { lifetimeValue } } } }',
    );
    // `customers` takes 20 when `first` is not given: 20 customers' worth, over a budget of 200.
    expect(limits.judgeCost(t.hub.schema, document, {})?.extensions).toMatchObject({ limit: 'cost' });
    expect(limits.judgeCost(t.hub.schema, document, { n: 2 })).toBeNull();
  });

  it('judges one document by each request’s page sizes: a pass with a small page does not let a large one through', async () => {
    const nodes =
      'nodes { id accounting { balance } sales { lifetimeValue } credit { score } support { openTickets } }';
    const query = `query Pages($n: Int = 20) { a: customers(first: $n) { ${nodes} } b: customers(first: $n) { ${nodes} } }`;
    expect((await post(t, { query, variables: { n: 2 } })).body.errors).toBeUndefined();
    // Twice: a refusal is never remembered as a pass, nor a pass reused for other page sizes.
    for (let i = 0; i < 2; i += 1)
      await expectRefusedWithoutWork({ query, variables: { n: 500 } }, { code: 'QUERY_TOO_COMPLEX', limit: 'cost' });
    expect((await post(t, { query, variables: { n: 2 } })).body.errors).toBeUndefined();
  });

  it('refuses more than 50 directives', async () => {
    await expectRefusedWithoutWork(
      { query: lookup(repeat(() => 'id @include(if: true)', 51)) },
      { code: 'QUERY_TOO_COMPLEX', limit: 'directives' },
    );
  });

  it('refuses an operation with two refreshCustomer calls, and fifty', async () => {
    const refreshes = (count: number) =>
      `mutation { ${repeat((i) => `r${i}: refreshCustomer(id: "cus_0000000000000000") { systems { ok } }`, count)} }`;
    await expectRefusedWithoutWork(
      { query: refreshes(2) },
      { code: 'QUERY_TOO_COMPLEX', limit: 'refreshesPerOperation' },
    );
    const fifty = await post(t, { query: refreshes(50) });
    expect(fifty.body.errors!.map((e) => e.extensions?.limit)).toEqual(
      expect.arrayContaining(['aliases', 'refreshesPerOperation']),
    );
  });

  it('refuses an operation that runs two saved queries: each run is a whole operation of its own', async () => {
    const runs = (count: number) =>
      `{ ${repeat((i) => `r${i}: runSavedQuery(name: "win-back-list", variables: { lastOrderBefore: "2026-06-01T00:00:00Z" }) { data }`, count)} }`;
    await expectRefusedWithoutWork(
      { query: runs(2) },
      { code: 'QUERY_TOO_COMPLEX', limit: 'savedQueryRunsPerOperation' },
    );
    // One run is let through (its own answer, in `data`, says the list needs a snapshot first).
    const one = await post(t, { query: runs(1) });
    expect(one.body.errors).toBeUndefined();
    expect(one.body.data).toEqual({ r0: { data: null } });
  });

  it('refuses a body over 100 KB with PAYLOAD_TOO_LARGE in a GraphQL-shaped body', async () => {
    await expectRefusedWithoutWork(
      { query: '{ __typename }', variables: { pad: 'x'.repeat(110_000) } },
      { code: 'PAYLOAD_TOO_LARGE' },
      413,
    );
  });

  it('refuses a batch of operations', async () => {
    await expectRefusedWithoutWork([{ query: lookup('id') }, { query: lookup('name') }], { code: 'BAD_REQUEST' }, 400);
  });

  it('answers a body that is not JSON with a GraphQL-shaped error', async () => {
    await expectRefusedWithoutWork('{"query": "{ customer(id: \\"x\\") { id } }"', { code: 'BAD_USER_INPUT' }, 400);
  });

  it('quotes at most 40 characters of a 100,000-digit phone number in its error', async () => {
    const response = await post(t, {
      query: 'query Pop($phone: String!) { customerByPhone(phone: $phone) { id } }',
      variables: { phone: '1'.repeat(100_000) },
    });
    expect(refusal(response).code).toBe('BAD_USER_INPUT');
    expect(response.body.errors![0].message).toBe(
      `Argument "phone" is not a valid phone number: "${'1'.repeat(40)}…" (100000 characters)`,
    );
  });

  it('cuts graphql-js messages that echo a huge variable', async () => {
    const response = await post(t, {
      query: 'query Page($n: Int!) { customers(first: $n) { totalCount } }',
      variables: { n: '9'.repeat(50_000) },
    });
    expect(response.body.errors![0].message.length).toBeLessThan(600);
  });

  it('still answers a normal screen pop while hostile documents arrive at the same time', async () => {
    const hostile = [
      { query: lookup(repeat(() => 'id', 20_000)) },
      { query: lookup(repeat(() => 'id', 3_000)) },
      { query: `{ ${repeat((i) => `a${i}: customers(first: 500) { nodes { id } }`, 100)} }` },
      [{ query: lookup('id') }, { query: lookup('id') }],
    ];
    const normal = post(t, {
      query: 'query Pop($phone: String!) { customerByPhone(phone: $phone) { name accounting { balance } } }',
      variables: { phone },
    });
    const answers = await Promise.all([normal, ...hostile.map((body) => post(t, body))]);
    expect(answers[0].body.errors).toBeUndefined();
    expect(answers[0].body.data).toEqual({
      customerByPhone: { name: expect.any(String), accounting: { balance: expect.any(Number) } },
    });
    expect(answers.slice(1).map((a) => refusal(a).code)).toEqual([
      'QUERY_TOO_COMPLEX',
      'QUERY_TOO_COMPLEX',
      'QUERY_TOO_COMPLEX',
      'BAD_REQUEST',
    ]);
  });
});
