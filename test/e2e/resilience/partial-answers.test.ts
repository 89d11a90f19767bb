import type { Person } from '../../../silos';
import { SCREEN_POP_QUERY } from '../../../connectors';
import { startTestHub, type TestHub } from '../../helpers/hub';

/** POSTs the screen pop and returns the HTTP status with the body. */
async function screenPop(t: TestHub, phone: string) {
  const response = await fetch(t.hub.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: SCREEN_POP_QUERY, variables: { phone } }),
  });
  const body = (await response.json()) as {
    data?: { customerByPhone: Record<string, unknown> | null };
    errors?: Array<{ path?: unknown[]; extensions?: Record<string, unknown> }>;
  };
  return { status: response.status, body };
}

describe('a screen pop while department systems fail', () => {
  let t: TestHub;
  let everywhere: Person;
  beforeAll(async () => {
    t = await startTestHub({
      scale: 200,
      cache: false,
      responseCache: { maxEntries: 0 },
      connectors: { credit: { timeoutMs: 300 } },
    });
    everywhere = t.silos.world.people.find(
      (p) => p.hardCase === null && p.keys.accounting && p.keys.sales && p.keys.credit && p.keys.support,
    )!;
  });
  afterEach(async () => {
    for (const system of ['accounting', 'sales', 'credit', 'support']) await t.chaos(system, {});
  });
  afterAll(() => t.close());

  it('answers HTTP 200 with the good departments when one system is down and another hangs', async () => {
    await t.chaos('sales', { failRate: 1 });
    // Held until afterEach resets it: the only clock is credit's 300 ms deadline.
    await t.chaos('credit', { hang: true });
    const { status, body } = await screenPop(t, everywhere.phone);
    expect(status).toBe(200);
    const customer = body.data!.customerByPhone!;
    expect(customer.accounting).not.toBeNull();
    expect(customer.support).not.toBeNull();
    expect(customer.sales).toBeNull();
    expect(customer.credit).toBeNull();
    const codes = Object.fromEntries((body.errors ?? []).map((e) => [JSON.stringify(e.path), e.extensions?.code]));
    expect(codes).toEqual({
      '["customerByPhone","sales"]': 'UPSTREAM_UNAVAILABLE',
      '["customerByPhone","credit"]': 'UPSTREAM_TIMEOUT',
    });
  });
});
