import { startTestHub, type TestHub } from '../helpers/hub';

/** Requests each system served between two counts. */
function served(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.keys(after).map((name) => [name, after[name] - (before[name] ?? 0)]));
}

const ALL_OK = {
  status: 'ok',
  checks: {
    store: { ok: true },
    accounting: { ok: true },
    sales: { ok: true },
    credit: { ok: true },
    support: { ok: true },
  },
};

describe('health for a load balancer', () => {
  let t: TestHub;
  let clock = Date.parse('2026-11-23T09:00:00.000Z');
  const get = async (path: string) => {
    const response = await fetch(t.hub.url.replace('/graphql', path));
    return { status: response.status, body: await response.json() };
  };
  const storm = (path: string, size: number) => Promise.all(Array.from({ length: size }, () => get(path)));

  beforeAll(async () => {
    t = await startTestHub({
      now: () => new Date(clock),
      // One failure in the window opens sales' breaker, for a minute of real time: long enough for the test.
      connectors: { sales: { breaker: { failureRate: 0.5, minimumRequests: 1, windowSeconds: 60, resetSeconds: 60 } } },
    });
  });
  afterAll(() => t.close());

  it('answers a storm of 200 /readyz with one health request per system, reused until it is 2 s old', async () => {
    const before = await t.siloRequests();
    const first = await storm('/readyz', 200);
    expect(first.every((answer) => answer.status === 200)).toBe(true);
    expect(first[0].body).toEqual(ALL_OK);
    expect(served(before, await t.siloRequests())).toEqual({ accounting: 1, sales: 1, credit: 1, support: 1 });

    clock += 1_999;
    await storm('/readyz', 200);
    await storm('/health', 50);
    expect(served(before, await t.siloRequests())).toEqual({ accounting: 1, sales: 1, credit: 1, support: 1 });

    clock += 1;
    expect((await storm('/readyz', 200)).every((answer) => answer.status === 200)).toBe(true);
    expect(served(before, await t.siloRequests())).toEqual({ accounting: 2, sales: 2, credit: 2, support: 2 });
  });

  it('answers /healthz without asking any system or the store', async () => {
    const before = await t.siloRequests();
    clock += 10_000;
    expect(await get('/healthz')).toEqual({ status: 200, body: { status: 'ok' } });
    expect(served(before, await t.siloRequests())).toEqual({ accounting: 0, sales: 0, credit: 0, support: 0 });
  });

  it('is 503 with a reason code, not the error text, for a failing system, and in /health too', async () => {
    await t.chaos('support', { failRate: 1 });
    try {
      clock += 10_000;
      const expected = { ...ALL_OK.checks, support: { ok: false, reason: 'UPSTREAM_UNHEALTHY' } };
      expect(await get('/readyz')).toEqual({ status: 503, body: { status: 'unavailable', checks: expected } });
      expect(await get('/health')).toEqual({ status: 503, body: { status: 'degraded', checks: expected } });
    } finally {
      await t.chaos('support', {});
    }
  });

  it('is 503 while a breaker is open, even when its system answers its health check, and /healthz is 200', async () => {
    const sales = t.hub.connectors.find((connector) => connector.name === 'sales')!;
    await t.chaos('sales', { failRate: 1 });
    await expect(sales.refresh(['c-any'])).rejects.toThrow();
    await t.chaos('sales', {});
    clock += 10_000;
    expect(await get('/readyz')).toEqual({
      status: 503,
      body: { status: 'unavailable', checks: { ...ALL_OK.checks, sales: { ok: false, reason: 'BREAKER_OPEN' } } },
    });
    expect(await get('/healthz')).toEqual({ status: 200, body: { status: 'ok' } });
  });

  // Last: the store does not come back.
  it('is 503 naming the store when it does not answer, and /healthz is still 200', async () => {
    await t.hub.store.client.close();
    clock += 10_000;
    const answer = await get('/readyz');
    expect(answer.status).toBe(503);
    expect(answer.body).toMatchObject({
      status: 'unavailable',
      checks: { store: { ok: false, reason: 'STORE_UNAVAILABLE' } },
    });
    expect(JSON.stringify(answer.body)).not.toMatch(/client|closed|Mongo/i);
    expect(await get('/healthz')).toEqual({ status: 200, body: { status: 'ok' } });
  });
});
