import { connect, type Socket } from 'node:net';
import { ApiKeyRepository } from '../../store/api-keys.repository';
import { startTestHub, type TestHub } from '../helpers/hub';
import { post, refusal, repeat, workDone } from './helpers';

/**
 * The perimeter of a hub started as in production (`NODE_ENV=production`), with small budgets so
 * a test can reach them: rate limits per credential and per address, the execution deadline, and
 * the timeouts that close slow clients' connections.
 */
let t: TestHub;
/** One API key per caller the tests name, each with its own budget. */
const tokens = new Map<string, string>();

beforeAll(async () => {
  t = await startTestHub({
    production: true,
    auth: { enabled: true },
    scale: 20,
    // Every read asks the systems, so a hung one holds the operation past its deadline.
    cache: false,
    // Long enough that a hung system is the deadline's to end, not the connector's.
    connectors: { sales: { timeoutMs: 30_000 } },
    limits: {
      executionTimeoutMs: 400,
      rate: { requestsPerMinute: 3, refreshesPerMinute: 1 },
      http: { headersTimeoutMs: 500, requestTimeoutMs: 1_000, connectionTimeoutMs: 5_000, keepAliveTimeoutMs: 500 },
    },
  });
  const keys = new ApiKeyRepository(t.hub.store.db);
  for (const name of ['quiet', 'quiet-2', 'busy', 'calm', 'refresher', 'slow']) {
    tokens.set(name, (await keys.create(name, ['admin'])).token);
  }
}, 60_000);
afterAll(async () => {
  await t?.close();
});

/** A request charged to its own credential, so each test has its own budget. */
const as = (credential: string) => ({ authorization: `Bearer ${tokens.get(credential)}` });

describe('the perimeter in production', () => {
  it('does not reveal the limits in their errors', async () => {
    const aliases = repeat((i) => `a${i}: customer(id: "cus_0000000000000000") { id }`, 20);
    const deep = await post(t, { query: `{ ${aliases} }` }, as('quiet'));
    expect(refusal(deep)).toEqual({ code: 'QUERY_TOO_COMPLEX', limit: 'aliases' });
    expect(deep.body.errors![0].message).toBe('The query uses too many aliases.');
    const long = await post(t, { query: `{ ${repeat(() => '__typename', 1_100)} }` }, as('quiet-2'));
    expect(long.body.errors![0]).toEqual({
      message: 'The document has too many tokens.',
      extensions: { code: 'QUERY_TOO_COMPLEX', limit: 'tokens' },
    });
  });

  it('answers the request over a credential budget with 429, Retry-After and RATE_LIMITED', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await post(t, { query: '{ __typename }' }, as('busy'))).status);
    const refused = await post(t, { query: '{ __typename }' }, as('busy'));
    expect(statuses).toEqual([200, 200, 200]);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(refusal(refused).code).toBe('RATE_LIMITED');
    // Another credential, and the same caller without one, each have their own budget.
    expect((await post(t, { query: '{ __typename }' }, as('calm'))).status).toBe(200);
  });

  it('budgets refreshCustomer apart, and more tightly', async () => {
    const refresh = { query: 'mutation { refreshCustomer(id: "cus_0000000000000000") { systems { ok } } }' };
    expect((await post(t, refresh, as('refresher'))).status).toBe(200);
    const before = await workDone(t);
    const second = await post(t, refresh, as('refresher'));
    expect(second.status).toBe(429);
    expect(await workDone(t)).toEqual(before);
    // The general budget of the same credential is untouched.
    expect((await post(t, { query: '{ __typename }' }, as('refresher'))).status).toBe(200);
  });

  it('answers an operation still running at its deadline with OPERATION_TIMEOUT', async () => {
    const page = await post(t, { query: '{ customers(first: 20) { nodes { id links { system } } } }' }, as('slow'));
    const { nodes } = (
      page.body.data as { customers: { nodes: Array<{ id: string; links: Array<{ system: string }> }> } }
    ).customers;
    const id = nodes.find((node) => node.links.some((link) => link.system === 'sales'))!.id;
    await t.chaos('sales', { hang: true });
    try {
      const answer = await post(t, { query: `{ customer(id: "${id}") { sales { lifetimeValue } } }` }, as('slow'));
      expect(answer.status).toBe(504);
      expect(refusal(answer).code).toBe('OPERATION_TIMEOUT');
    } finally {
      await t.chaos('sales', {});
    }
  });

  it('closes connections that trickle their headers or their body', async () => {
    const { hostname, port } = new URL(t.hub.url);
    const closed = (socket: Socket) => new Promise<void>((resolve) => socket.on('close', () => resolve()));
    const open = () =>
      new Promise<Socket>((resolve) => {
        const socket = connect(Number(port), hostname, () => resolve(socket));
        socket.on('error', () => undefined);
        // Read what the server sends (its 408), or its end of the connection would never be seen.
        socket.resume();
      });
    const headers = await Promise.all(Array.from({ length: 20 }, open));
    const body = await open();
    const ends = [...headers, body].map(closed);
    for (const socket of headers) socket.write('POST /graphql HTTP/1.1\r\nHost: x\r\nX-Slow: ');
    body.write(
      'POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"q',
    );
    // Each socket closes by the server's own timeouts: nothing here ends them.
    await Promise.all(ends);
    expect([...headers, body].every((socket) => socket.destroyed)).toBe(true);
  });
});
