import { startEmbeddedMongo, type EmbeddedMongo } from '../../store';
import { startHoldingProxy, type HoldingProxy } from '../helpers/tcp-hold';
import { startTestHub, type TestHub } from '../helpers/hub';

const STORE_UNAVAILABLE = {
  message: "The hub's customer store is not answering right now; nothing was read. Try again shortly.",
  extensions: { code: 'STORE_UNAVAILABLE' },
};

// The hub's store behind a proxy that, once held, takes every byte and answers none: without
// deadlines each request below would wait for the driver's monitor (30 s) or for ever.
describe('a hub whose store stops answering', () => {
  let server: EmbeddedMongo;
  let proxy: HoldingProxy;
  let t: TestHub;
  let someId = '';

  beforeAll(async () => {
    server = await startEmbeddedMongo({ memory: true, tcp: true });
    proxy = await startHoldingProxy({ host: '127.0.0.1', port: server.tcp!.port });
    t = await startTestHub({
      scale: 20,
      responseCache: { maxEntries: 0 },
      // Short enough that five stalled requests fit well inside the test's time, long enough for
      // the set-up's own store writes on a loaded machine (200 ms failed them under a parallel CI).
      mongodb: { uri: `mongodb://${proxy.address}/?directConnection=true`, operationTimeoutMs: 1_000 },
    });
    await t.hub.buildSnapshots();
    const listed = await t.query<{ customers: { nodes: Array<{ id: string }> } }>(/* GraphQL */ `
      {
        customers(first: 1) {
          nodes {
            id
          }
        }
      }
    `);
    someId = listed.data!.customers.nodes[0].id;
    proxy.hold();
  });
  afterAll(async () => {
    proxy?.release();
    await t?.close();
    await proxy?.close();
    await server?.close();
  });

  it.each([
    [
      'customer',
      /* GraphQL */ `
        query ($id: ID!) {
          customer(id: $id) {
            id
            name
          }
        }
      `,
    ],
    [
      'customerByPhone',
      /* GraphQL */ `
        {
          customerByPhone(phone: "+1 415 555 0132") {
            id
          }
        }
      `,
    ],
    [
      'customers',
      /* GraphQL */ `
        {
          customers(first: 5) {
            nodes {
              id
            }
            totalCount
          }
        }
      `,
    ],
    [
      'customers',
      /* GraphQL */ `
        {
          customers(first: 5, filter: { accounting: { overdueAmount: { gt: 0 } } }) {
            nodes {
              id
            }
          }
        }
      `,
    ],
  ])('answers %s with STORE_UNAVAILABLE and no store text, without waiting on the store', async (field, document) => {
    const answer = await t.query(document, { id: someId });
    expect(answer.data?.[field] ?? null).toBeNull();
    expect(answer.errors).toHaveLength(1);
    expect(answer.errors![0]).toMatchObject(STORE_UNAVAILABLE);
    expect(JSON.stringify(answer)).not.toMatch(/ms\b|mongo|timed out|StoreTimeoutError/i);
  });

  it('reports the store not ready on /readyz', async () => {
    const response = await fetch(t.hub.url.replace('/graphql', '/readyz'));
    expect(response.status).toBe(503);
    const body = (await response.json()) as { checks: Record<string, unknown> };
    expect(body.checks.store).toEqual({ ok: false, reason: 'STORE_UNAVAILABLE' });
  });
});
