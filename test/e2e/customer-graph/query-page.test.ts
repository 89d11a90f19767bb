import { startTestHub, type TestHub } from '../../helpers/hub';

describe('the query page', () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub({ scale: 50 });
  });
  afterAll(() => t.close());

  it('serves GraphiQL on GET /graphql to a browser, with every asset from the hub itself', async () => {
    const response = await fetch(t.hub.url, { headers: { accept: 'text/html' } });
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('GraphiQL');
    expect(html).toContain('query ScreenPop');
    const sources = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    expect(sources.length).toBe(4);
    for (const source of sources) {
      expect(source.startsWith('/_query-page/')).toBe(true);
      const asset = await fetch(new URL(source, t.hub.url));
      expect(asset.status).toBe(200);
      expect((await asset.arrayBuffer()).byteLength).toBeGreaterThan(1000);
    }
  });

  it('prefills the phone of a customer every department knows, so the first run shows a full screen pop', async () => {
    const html = await (await fetch(t.hub.url, { headers: { accept: 'text/html' } })).text();
    const phone = /\\"phone\\": \\"(\+\d+)\\"/.exec(html)?.[1];
    expect(phone).toBeDefined();
    const result = await t.query<{ customerByPhone: { links: unknown[] } | null }>(
      `query($p: String!) { customerByPhone(phone: $p) { links { system } } }`,
      { p: phone },
    );
    expect(result.data!.customerByPhone!.links).toHaveLength(4);
  });

  it('still answers GraphQL GET requests from programs', async () => {
    const response = await fetch(`${t.hub.url}?query=${encodeURIComponent('{ customers(first: 1) { totalCount } }')}`, {
      headers: { 'apollo-require-preflight': 'true' },
    });
    const body = (await response.json()) as { data: { customers: { totalCount: number } } };
    expect(body.data.customers.totalCount).toBe(t.silos.world.people.length);
  });
});

describe('the query page of a hub with some departments switched off', () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub({ scale: 50, connectors: { credit: { enabled: false }, support: { enabled: false } } });
  });
  afterAll(() => t.close());

  it('opens on a screen pop of exactly the departments it runs, which answers without errors', async () => {
    const html = await (await fetch(t.hub.url, { headers: { accept: 'text/html' } })).text();
    const literal = /defaultQuery: ("(?:[^"\\]|\\.)*"),/.exec(html)?.[1];
    expect(literal).toBeDefined();
    const query = JSON.parse(literal!) as string;
    expect(query).toContain('accounting {');
    expect(query).toContain('sales {');
    expect(query).not.toContain('credit');
    expect(query).not.toContain('support');
    const phone = t.silos.world.people.find((p) => p.keys.accounting && p.keys.sales)!.phone;
    const result = await t.query<{ customerByPhone: { accounting: unknown; sales: unknown } | null }>(query, { phone });
    expect(result.errors).toBeUndefined();
    expect(result.data!.customerByPhone!.accounting).not.toBeNull();
  });
});
