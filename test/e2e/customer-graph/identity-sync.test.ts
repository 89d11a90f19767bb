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
