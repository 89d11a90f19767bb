import type { Person } from '../../../silos';
import { SCREEN_POP_QUERY } from '../../../gateway';
import { startTestHub, type TestHub } from '../../helpers/hub';

describe('a department system that fails', () => {
  let t: TestHub;
  let everywhere: Person;
  beforeAll(async () => {
    // A short timeout for sales so the timeout case (a hung silo) stays quick.
    t = await startTestHub({ scale: 200, connectors: { sales: { timeoutMs: 300 } } });
    everywhere = t.silos.world.people.find(
      (p) => p.hardCase === null && p.keys.accounting && p.keys.sales && p.keys.credit && p.keys.support,
    )!;
  });
  afterEach(async () => {
    for (const system of ['accounting', 'sales', 'credit', 'support']) await t.chaos(system, {});
  });
  afterAll(() => t.close());

  it('leaves the other departments in the response when one answers 503', async () => {
    await t.chaos('sales', { failRate: 1 });
    const result = await t.query<{ customerByPhone: Record<string, unknown> }>(SCREEN_POP_QUERY, {
      phone: everywhere.phone,
    });
    const customer = result.data!.customerByPhone;
    expect(customer.sales).toBeNull();
    expect(customer.accounting).not.toBeNull();
    expect(customer.credit).not.toBeNull();
    expect(customer.support).not.toBeNull();
    expect(result.errors).toEqual([
      expect.objectContaining({
        path: ['customerByPhone', 'sales'],
        extensions: expect.objectContaining({ code: 'UPSTREAM_UNAVAILABLE', connector: 'sales' }),
      }),
    ]);
    expect(result.errors![0].message).toBe('The sales system is unavailable: it answered HTTP 503');
  });

  it('reports UPSTREAM_TIMEOUT for a system that never answers, and still answers the rest', async () => {
    // The silo holds the request until afterEach resets it: the only clock is the connector's timeout.
    await t.chaos('sales', { hang: true });
    const result = await t.query<{ customerByPhone: Record<string, unknown> }>(SCREEN_POP_QUERY, {
      phone: everywhere.phone,
    });
    expect(result.data!.customerByPhone.sales).toBeNull();
    expect(result.data!.customerByPhone.credit).not.toBeNull();
    expect(result.errors).toEqual([
      expect.objectContaining({
        path: ['customerByPhone', 'sales'],
        extensions: expect.objectContaining({ code: 'UPSTREAM_TIMEOUT', connector: 'sales' }),
      }),
    ]);
  });

  it('puts one error per failed customer at its own path in a list', async () => {
    await t.chaos('credit', { failRate: 1 });
    const result = await t.query<{ customers: { nodes: Array<{ id: string; credit: unknown; support: unknown }> } }>(
      `{ customers(first: 20) { nodes { id credit { score } support { openTickets } } } }`,
    );
    expect(result.data!.customers.nodes).toHaveLength(20);
    expect(result.data!.customers.nodes.every((n) => n.credit === null)).toBe(true);
    expect(result.data!.customers.nodes.some((n) => n.support !== null)).toBe(true);
    const creditErrors = result.errors!.filter((e) => e.extensions?.connector === 'credit');
    expect(creditErrors.length).toBeGreaterThan(0);
    expect(creditErrors.every((e) => e.path?.[0] === 'customers' && e.path?.at(-1) === 'credit')).toBe(true);
  });

  it('reports the failing system in /health', async () => {
    await t.chaos('support', { failRate: 1 });
    const response = await fetch(t.hub.url.replace('/graphql', '/health'));
    expect(response.status).toBe(503);
    const body = (await response.json()) as { checks: Record<string, { ok: boolean }> };
    expect(body.checks.support.ok).toBe(false);
    expect(body.checks.accounting.ok).toBe(true);
    expect(body.checks.store.ok).toBe(true);
  });
});
