import { encodeCursor, PLAIN_LIST } from '../../../schema/hub/cursor';
import type { Person } from '../../../silos';
import { countByCollection, recordCommands } from '../../helpers/store-commands';
import { requestsBetween, startTestHub, type TestHub } from '../../helpers/hub';

const PAGE = /* GraphQL */ `
  query Page($first: Int!) {
    customers(first: $first) {
      nodes {
        id
        accounting {
          balance
          freshness {
            source
            stale
          }
        }
        sales {
          lifetimeValue
          freshness {
            source
            stale
          }
        }
        credit {
          score
          freshness {
            source
            stale
          }
        }
        support {
          openTickets
          freshness {
            source
            stale
          }
        }
      }
    }
  }
`;

const SYSTEMS = ['accounting', 'sales', 'credit', 'support'];

describe('the repository read path', () => {
  let t: TestHub;
  // Starts at the real time: the repository's TTL index expires copies by the real clock.
  let clock = new Date();

  beforeAll(async () => {
    t = await startTestHub({
      scale: 300,
      now: () => clock,
      // The repository's own round trips are what this suite counts: no in-memory layers in front.
      memoryEntries: 0,
      // Write-backs wait for each other until `settle()` sends them: one write for the whole page, whatever the timing.
      writeDelayMs: 60_000,
      responseCache: { maxEntries: 0 },
      connectors: Object.fromEntries(
        SYSTEMS.map((s) => [
          s,
          {
            freshness: { ttlSeconds: 60, staleIfErrorSeconds: 3600 },
            breaker: { failureRate: 0.5, windowSeconds: 30, minimumRequests: 3, resetSeconds: 30 },
          },
        ]),
      ),
    });
  });
  afterEach(async () => {
    for (const system of SYSTEMS) await t.chaos(system, {});
  });
  afterAll(() => t.close());

  it('reads a cold page with one repository read and one write-back for all connectors, and one upstream request each', async () => {
    const commands = recordCommands(t.hub.store.client);
    const before = await t.siloRequests();
    const result = await t.query<{
      customers: { nodes: Array<Record<string, { freshness: { source: string } } | null>> };
    }>(PAGE, { first: 100 });
    // Write-backs land after the response; wait for them before counting.
    await t.hub.settle();
    const counts = countByCollection(commands.take());
    commands.stop();
    expect(result.errors).toBeUndefined();
    expect(requestsBetween(before, await t.siloRequests())).toEqual({ accounting: 1, sales: 1, credit: 1, support: 1 });
    expect(counts['find cache.records']).toBe(1);
    expect(counts['update cache.records']).toBe(1);
    for (const system of SYSTEMS) {
      const served = result.data!.customers.nodes.map((n) => n[system]).filter((d) => d !== null);
      expect(served.length).toBeGreaterThan(0);
      expect(served.every((d) => d.freshness.source === 'SYSTEM')).toBe(true);
    }
  });

  it('serves the same page warm from the repository: one read for all connectors, no upstream request, no write', async () => {
    const commands = recordCommands(t.hub.store.client);
    const before = await t.siloRequests();
    const result = await t.query<{
      customers: { nodes: Array<Record<string, { freshness: { source: string } } | null>> };
    }>(PAGE, { first: 100 });
    const counts = countByCollection(commands.take());
    commands.stop();
    expect(requestsBetween(before, await t.siloRequests())).toEqual({ accounting: 0, sales: 0, credit: 0, support: 0 });
    expect(counts['find cache.records']).toBe(1);
    expect(counts['update cache.records']).toBeUndefined();
    for (const system of SYSTEMS) {
      expect(
        result.data!.customers.nodes.every((n) => n[system] === null || n[system].freshness.source === 'REPOSITORY'),
      ).toBe(true);
    }
  });

  it('asks the system again once the TTL has passed', async () => {
    clock = new Date(clock.getTime() + 61_000);
    const before = await t.siloRequests();
    await t.query(PAGE, { first: 100 });
    expect(requestsBetween(before, await t.siloRequests())).toEqual({ accounting: 1, sales: 1, credit: 1, support: 1 });
    await t.hub.settle();
  });

  it('serves the last known copy, marked stale, when the system is down after the TTL', async () => {
    clock = new Date(clock.getTime() + 120_000);
    await t.chaos('sales', { failRate: 1 });
    const result = await t.query<{
      customers: { nodes: Array<{ sales: { freshness: { stale: boolean; source: string } } | null }> };
    }>(PAGE, { first: 100 });
    expect(result.errors).toBeUndefined();
    const sales = result.data!.customers.nodes.map((n) => n.sales).filter((s) => s !== null);
    expect(sales.length).toBeGreaterThan(30);
    expect(sales.every((s) => s.freshness.stale && s.freshness.source === 'REPOSITORY')).toBe(true);
    const extensions = (
      result as { extensions?: { freshness?: { stale: Array<{ connector: string; records: number }> } } }
    ).extensions;
    expect(extensions?.freshness?.stale).toEqual([
      expect.objectContaining({ connector: 'sales', records: sales.length }),
    ]);
  });

  it('gives an error, not data, once the copy is older than staleIfError', async () => {
    clock = new Date(clock.getTime() + 3_600_000);
    await t.chaos('credit', { failRate: 1 });
    const result = await t.query<{ customers: { nodes: Array<{ credit: unknown }> } }>(
      `{ customers(first: 10) { nodes { credit { score } } } }`,
    );
    expect(result.data!.customers.nodes.every((n) => n.credit === null)).toBe(true);
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', connector: 'credit' });
  });

  it('stops calling a failing system once its breaker opens, and still serves stale copies', async () => {
    clock = new Date(clock.getTime() + 1_000);
    // Fresh copies first, then let them expire with the system down.
    await t.query(`{ customers(first: 5) { nodes { support { openTickets } } } }`);
    await t.hub.settle();
    clock = new Date(clock.getTime() + 61_000);
    await t.chaos('support', { failRate: 1 });
    // The breaker opens on the failure rate over its window, which also holds this suite's earlier
    // successes: fail until it opens (bounded), then check that the next read does not call.
    for (let i = 0, calls = 1; i < 40 && calls > 0; i += 1) {
      const start = await t.siloRequests();
      await t.query(`{ customers(first: 5) { nodes { support { openTickets } } } }`);
      calls = requestsBetween(start, await t.siloRequests()).support;
    }
    const before = await t.siloRequests();
    const result = await t.query<{
      customers: { nodes: Array<{ support: { freshness: { stale: boolean } } | null }> };
    }>(`{ customers(first: 5) { nodes { support { freshness { stale } } } } }`);
    expect(requestsBetween(before, await t.siloRequests()).support).toBe(0);
    const served = result.data!.customers.nodes.map((n) => n.support).filter((s) => s !== null);
    expect(served.length).toBeGreaterThan(0);
    expect(served.every((s) => s.freshness.stale)).toBe(true);
  });

  it('shares one upstream request between a screen pop and a list asking for the same customer at once', async () => {
    clock = new Date(clock.getTime() + 600_000);
    const person: Person = t.silos.world.people.find(
      (p) => p.hardCase === null && p.keys.accounting && p.keys.sales && p.keys.credit,
    )!;
    const id = (
      await t.query<{ customerByPhone: { id: string } }>(`query($p: String!) { customerByPhone(phone: $p) { id } }`, {
        p: person.phone,
      })
    ).data!.customerByPhone.id;
    // A cursor just before this customer's id, so the list's first entry is this customer.
    const after = encodeCursor({ l: PLAIN_LIST, o: null, id: id.slice(0, -1) });
    // The accounting system holds every request until released, so the first fetch is still under
    // way when the second request goes upstream, however busy the machine.
    await t.chaos('accounting', { hang: true });
    const before = await t.siloRequests();
    // A load counts its misses in the turn it goes upstream (starting a fetch or joining one).
    let misses = 0;
    let bothMissed!: () => void;
    const bothWentUpstream = new Promise<void>((resolve) => (bothMissed = resolve));
    const count = t.hub.metrics.cacheMisses.bind(t.hub.metrics);
    const spy = jest.spyOn(t.hub.metrics, 'cacheMisses').mockImplementation((connector, n) => {
      count(connector, n);
      if (connector === 'accounting' && n > 0 && (misses += 1) === 2) bothMissed();
    });
    let pop, list;
    try {
      const popping = t.query<{ customerByPhone: { accounting: { balance: number } } }>(
        `query($p: String!) { customerByPhone(phone: $p) { accounting { balance } } }`,
        { p: person.phone },
      );
      const listing = t.query<{ customers: { nodes: Array<{ id: string; accounting: { balance: number } }> } }>(
        `query($after: String) { customers(first: 1, after: $after) { nodes { id accounting { balance } } } }`,
        { after },
      );
      await bothWentUpstream;
      await t.chaos('accounting', {});
      [pop, list] = await Promise.all([popping, listing]);
    } finally {
      spy.mockRestore();
    }
    expect(list.data!.customers.nodes[0].id).toBe(id);
    expect(requestsBetween(before, await t.siloRequests()).accounting).toBe(1);
    expect(list.data!.customers.nodes[0].accounting.balance).toBe(pop.data!.customerByPhone.accounting.balance);
  });

  it('counts hits, misses, stale serves and upstream latency per connector at /metrics', async () => {
    const text = await (await fetch(t.hub.url.replace('/graphql', '/metrics'))).text();
    const value = (pattern: RegExp) => Number(pattern.exec(text)?.[1] ?? NaN);
    expect(value(/switchboard_cache_hits_total\{connector="sales"\} (\d+)/)).toBeGreaterThan(0);
    expect(value(/switchboard_cache_misses_total\{connector="sales"\} (\d+)/)).toBeGreaterThan(0);
    expect(value(/switchboard_stale_served_total\{connector="sales"\} (\d+)/)).toBeGreaterThan(0);
    expect(
      value(/switchboard_upstream_requests_total\{connector="support",outcome="breaker_open"\} (\d+)/),
    ).toBeGreaterThan(0);
    expect(
      value(/switchboard_upstream_request_duration_seconds_count\{connector="accounting",outcome="ok"\} (\d+)/),
    ).toBeGreaterThan(0);
    expect(value(/switchboard_store_commands_total\{command="find"\} (\d+)/)).toBeGreaterThan(0);
  });
});

describe('the in-memory layer in front of the repository', () => {
  let t: TestHub;
  let clock = new Date();

  beforeAll(async () => {
    t = await startTestHub({
      scale: 200,
      now: () => clock,
      responseCache: { maxEntries: 0 },
      connectors: { credit: { freshness: { ttlSeconds: 60, staleIfErrorSeconds: 3600 } } },
    });
  });
  afterAll(() => t.close());

  const CREDIT_PAGE = `{ customers(first: 50) { nodes { credit { score freshness { source } } } } }`;

  it('answers a warm page with no repository read and no upstream request', async () => {
    await t.query(CREDIT_PAGE);
    await t.hub.settle();
    const commands = recordCommands(t.hub.store.client);
    const before = await t.siloRequests();
    const result = await t.query<{ customers: { nodes: Array<{ credit: { freshness: { source: string } } | null }> } }>(
      CREDIT_PAGE,
    );
    const counts = countByCollection(commands.take());
    commands.stop();
    expect(requestsBetween(before, await t.siloRequests()).credit).toBe(0);
    expect(counts['find cache.credit']).toBeUndefined();
    const served = result.data!.customers.nodes.filter((n) => n.credit !== null);
    expect(served.length).toBeGreaterThan(10);
    expect(served.every((n) => n.credit!.freshness.source === 'REPOSITORY')).toBe(true);
  });

  it('never serves a memory copy past the TTL', async () => {
    clock = new Date(clock.getTime() + 61_000);
    const before = await t.siloRequests();
    await t.query(CREDIT_PAGE);
    expect(requestsBetween(before, await t.siloRequests()).credit).toBe(1);
  });
});
