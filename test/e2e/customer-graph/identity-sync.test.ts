import { startTestHub, type TestHub } from '../../helpers/hub';

type Links = Array<{ system: string; key: string }>;

describe('the identity sync over the demo systems', () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub({ scale: 400, seed: 11 });
  });
  afterAll(() => t.close());

  it("links every person's records into exactly one customer, as the ground truth says", async () => {
    const customers: Array<{ links: Links }> = [];
    let after: string | null = null;
    for (;;) {
      const result: {
        data?: {
          customers: { pageInfo: { hasNextPage: boolean; endCursor: string }; nodes: Array<{ links: Links }> };
        } | null;
      } = await t.query(
        `query($after: String) { customers(first: 500, after: $after) { pageInfo { hasNextPage endCursor } nodes { links { system key } } } }`,
        { after },
      );
      customers.push(...result.data!.customers.nodes);
      if (!result.data!.customers.pageInfo.hasNextPage) break;
      after = result.data!.customers.pageInfo.endCursor;
    }
    const asSet = (links: Links) =>
      links
        .map((l) => `${l.system}:${l.key}`)
        .sort()
        .join('|');
    const linked = new Set(customers.map((c) => asSet(c.links)));
    const truth = t.silos.world.people.map((p) =>
      asSet(Object.entries(p.keys).map(([system, key]) => ({ system, key: key! }))),
    );
    expect(customers.length).toBe(t.silos.world.people.length);
    expect(truth.filter((expected) => !linked.has(expected))).toEqual([]);
  });

  it('names every customer as the ground truth does, keeping internal capitals a system wrote (McGlynn, VonRueden)', async () => {
    const result = await t.query<{ customers: { nodes: Array<{ name: string; links: Links }> } }>(
      `{ customers(first: 500) { nodes { name links { system key } } } }`,
    );
    const byLink = new Map<string, string>();
    for (const node of result.data!.customers.nodes)
      for (const l of node.links) byLink.set(`${l.system}:${l.key}`, node.name);
    const people = t.silos.world.people;
    const named = people.map((p) => {
      const [system, key] = Object.entries(p.keys)[0];
      return { person: p, truth: `${p.firstName} ${p.lastName}`, hub: byLink.get(`${system}:${key}`) };
    });
    // Accounting, credit and support shout or whisper names (DOE, Jane; JANE DOE; jane doe); the
    // sales CRM keeps them as typed, mostly in their real casing. Where it did, that casing must win.
    const contacts = new Map(t.silos.world.sales.map((c) => [c.id, c]));
    const wellTyped = named.filter((n) => {
      const contact = n.person.keys.sales ? contacts.get(n.person.keys.sales) : undefined;
      return contact !== undefined && `${contact.firstName} ${contact.lastName}` === n.truth;
    });
    const withInnerCapital = wellTyped.filter((n) => /[a-z][A-Z]/.test(n.truth));
    expect(withInnerCapital.length).toBeGreaterThan(3); // the world must hold the hard case
    expect(wellTyped.filter((n) => n.hub !== n.truth).map((n) => [n.hub, n.truth])).toEqual([]);
    // Where no system kept the casing, the letters are still the person's.
    expect(named.filter((n) => n.hub?.toLowerCase() !== n.truth.toLowerCase()).map((n) => [n.hub, n.truth])).toEqual(
      [],
    );
  });

  it('keeps every hub id when the sync runs again', async () => {
    const ids = async () => {
      const result = await t.query<{ customers: { nodes: Array<{ id: string }> } }>(
        `{ customers(first: 500) { nodes { id } } }`,
      );
      return result.data!.customers.nodes.map((n) => n.id);
    };
    const before = await ids();
    const report = await t.hub.syncIdentities();
    expect(report.removed).toBe(0);
    expect(await ids()).toEqual(before);
  });
});
