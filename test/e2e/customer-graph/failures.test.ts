import type { Person } from '../../../silos';
import { SCREEN_POP_QUERY } from '../../../connectors';
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
    type Node = { id: string; links: Array<{ system: string }>; credit: unknown; support: unknown };
    const result = await t.query<{ customers: { nodes: Node[] } }>(
      `{ customers(first: 20) { nodes { id links { system } credit { score } support { openTickets } } } }`,
    );
    const nodes = result.data!.customers.nodes;
    expect(nodes).toHaveLength(20);
    const linked = (system: string) =>
      nodes.flatMap((node, index) => (node.links.some((link) => link.system === system) ? [index] : []));
    // The customers credit knows (by their own links), and so was asked about: exactly those fail.
    const credited = linked('credit');
    expect(credited.length).toBeGreaterThan(1);
    expect(nodes.every((node) => node.credit === null)).toBe(true);
    const creditErrors = result.errors!.filter((e) => e.extensions?.connector === 'credit');
    const byIndex = (path?: Array<string | number>) => Number(path?.[2]);
    expect(creditErrors.map((e) => e.path).sort((a, b) => byIndex(a) - byIndex(b))).toEqual(
      credited.map((index) => ['customers', 'nodes', index, 'credit']),
    );
    expect(result.errors).toHaveLength(creditErrors.length);
    // Everyone else's data stays: every customer support knows has their support record.
    const supported = linked('support');
    expect(supported.length).toBeGreaterThan(0);
    expect(supported.map((index) => nodes[index].support !== null)).toEqual(supported.map(() => true));
  });

  it("puts an error below a list item, such as a bad argument, at that item's own path", async () => {
    type Node = { links: Array<{ system: string }>; accounting: unknown };
    const result = await t.query<{ customers: { nodes: Node[] } }>(
      `{ customers(first: 10) { nodes { links { system } accounting { invoices(last: -1) { number } } } } }`,
    );
    const nodes = result.data!.customers.nodes;
    const accounted = nodes.flatMap((node, index) =>
      node.links.some((link) => link.system === 'accounting') ? [index] : [],
    );
    expect(accounted.length).toBeGreaterThan(1);
    const byIndex = (path?: Array<string | number>) => Number(path?.[2]);
    const errors = [...result.errors!].sort((a, b) => byIndex(a.path) - byIndex(b.path));
    expect(errors.map((e) => [e.extensions?.code, e.path])).toEqual(
      accounted.map((index) => ['BAD_USER_INPUT', ['customers', 'nodes', index, 'accounting', 'invoices']]),
    );
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
