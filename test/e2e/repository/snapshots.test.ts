import type { Collection } from 'mongodb';
import { toSnapshotQuery } from '../../../schema/hub/filter.query';
import { SortDirection } from '../../../schema/hub/filter.types';
import { figureCatalog, type CatalogFigure, type SnapshotProgress } from '../../../schema/snapshot';
import { planSnapshotFinds, SNAPSHOT_COLLECTION, type SnapshotDocument, type SnapshotState } from '../../../store';
import { countByCollection, recordCommands } from '../../helpers/store-commands';
import { requestsBetween, startTestHub, type TestHub } from '../../helpers/hub';

const BATCH = 200;
const OPEN = new Set(['new', 'open', 'pending']);

const EXAMPLE = /* GraphQL */ `
  query Example($first: Int!, $after: String) {
    customers(
      filter: { accounting: { overdueAmount: { gt: 1000 } }, support: { openTickets: { gte: 2 } } }
      orderBy: { field: ACCOUNTING_OVERDUE_AMOUNT, direction: DESC }
      first: $first
      after: $after
    ) {
      asOf
      pageInfo {
        hasNextPage
        endCursor
      }
      nodes {
        id
      }
    }
  }
`;

interface Page {
  customers: {
    asOf: string | null;
    totalCount?: number;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    nodes: Array<{ id: string }>;
  };
}

describe('customer-360 snapshots', () => {
  let t: TestHub;
  let catalog: CatalogFigure[];
  let snapshots: Collection<SnapshotDocument>;
  /** Hub id by `system:key`, from the identity map. */
  const hubIdOf = new Map<string, string>();
  let customerIds: string[] = [];

  beforeAll(async () => {
    // Seed 7 at 800 people has six customers in the example: enough to page through three at a time.
    t = await startTestHub({ scale: 800, seed: 7, snapshotBatchSize: BATCH });
    catalog = figureCatalog(t.hub.connectors);
    snapshots = t.hub.store.db.collection<SnapshotDocument>(SNAPSHOT_COLLECTION);
    const nodes = await allPages<{ id: string; links: Array<{ system: string; key: string }> }>(
      `query($first: Int!, $after: String) { customers(first: $first, after: $after) { pageInfo { hasNextPage endCursor } nodes { id links { system key } } } }`,
      {},
      500,
    );
    for (const node of nodes) for (const link of node.links) hubIdOf.set(`${link.system}:${link.key}`, node.id);
    customerIds = nodes.map((n) => n.id);
  });
  afterEach(async () => {
    for (const system of ['accounting', 'sales', 'credit', 'support']) await t.chaos(system, {});
  });
  afterAll(() => t.close());

  /** Every node of a `customers` list, following `endCursor` page by page. */
  async function allPages<N = { id: string }>(
    query: string,
    variables: Record<string, unknown>,
    first: number,
  ): Promise<N[]> {
    const nodes: N[] = [];
    let after: string | null = null;
    for (let pages = 0; pages < 1000; pages += 1) {
      const result: {
        data?: { customers: { pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: N[] } } | null;
      } = await t.query(query, {
        ...variables,
        first,
        after,
      });
      nodes.push(...result.data!.customers.nodes);
      if (!result.data!.customers.pageInfo.hasNextPage) return nodes;
      after = result.data!.customers.pageInfo.endCursor;
    }
    throw new Error('the list never ended');
  }

  /** The example's answer from the world's ground truth: [hub id, overdue], overdue descending, ties by hub id descending. */
  function expectedExample(): string[] {
    const { world } = t.silos;
    const accounts = new Map(world.accounting.map((a) => [a.accountNumber, a]));
    const requesters = new Map(world.support.map((r) => [r.email, r]));
    const rows: Array<{ id: string; overdue: number }> = [];
    for (const person of world.people) {
      const account = person.keys.accounting ? accounts.get(person.keys.accounting) : undefined;
      const requester = person.keys.support ? requesters.get(person.keys.support) : undefined;
      if (!account || !requester) continue;
      const overdue = account.overdueMinor / 100;
      const open = requester.tickets.filter((ticket) => OPEN.has(ticket.status)).length;
      if (overdue > 1000 && open >= 2) rows.push({ id: hubIdOf.get(`accounting:${person.keys.accounting}`)!, overdue });
    }
    rows.sort((a, b) => b.overdue - a.overdue || (a.id < b.id ? 1 : -1));
    return rows.map((row) => row.id);
  }

  it('answers a filtered list with SNAPSHOT_UNAVAILABLE before any snapshot has been built, and the plain list as before', async () => {
    const filtered = await t.query<Page>(EXAMPLE, { first: 20 });
    expect(filtered.errors?.[0]?.extensions).toMatchObject({ code: 'SNAPSHOT_UNAVAILABLE' });
    expect(filtered.errors?.[0]?.message).toMatch(/npm run sync/);
    const plain = await t.query<Page>(`{ customers(first: 5) { asOf nodes { id } } }`);
    expect(plain.errors).toBeUndefined();
    expect(plain.data!.customers.nodes).toHaveLength(5);
    expect(plain.data!.customers.asOf).toBeNull();
  });

  it('creates one fig_ index per figure, on the figure then the hub id, at start-up', async () => {
    const indexes = await snapshots.listIndexes().toArray();
    const byName = new Map(indexes.map((index) => [index.name as string, index.key as Record<string, number>]));
    expect(catalog.length).toBe(16);
    for (const figure of catalog) expect(byName.get(figure.indexName)).toEqual({ [figure.path]: 1, _id: 1 });
  });

  it('resumes a run a failing system stopped, asking the systems only for the batches not yet written', async () => {
    const batches = Math.ceil(customerIds.length / BATCH);
    // Support fails from the first batch's record on, when two more may have been read: a fourth
    // is there to meet the failure.
    expect(batches).toBeGreaterThanOrEqual(4);
    const before = await t.siloRequests();
    const seen: SnapshotProgress[] = [];
    const crashed = t.hub.buildSnapshots(async (progress) => {
      seen.push(progress);
      if (progress.batches === 1) await t.chaos('support', { failRate: 1 });
    });
    await expect(crashed).rejects.toThrow(/cannot read the support system.*Run it again to resume/);
    // The run reads two batches ahead of the one it writes, so the failure meets a batch after
    // the last one written, and the systems may have answered for one more besides: how far the
    // run got depends on when support began failing. What is written is recorded either way.
    const written = seen.at(-1)!.batches;
    expect(written).toBeGreaterThanOrEqual(1);
    expect(written).toBeLessThan(batches);
    const asked = requestsBetween(before, await t.siloRequests());
    for (const system of ['accounting', 'sales', 'credit']) {
      expect(asked[system]).toBeGreaterThanOrEqual(written + 1);
      expect(asked[system]).toBeLessThanOrEqual(written + 2);
    }
    // Support's failed batch read is retried once (connectors.<name>.retry.maxAttempts 2) before the run stops.
    expect(asked.support).toBeGreaterThanOrEqual(written + 2);
    const state = (await t.hub.store.db.collection<SnapshotState>('sync_state').findOne({ _id: 'snapshot' }))!;
    expect(state).toMatchObject({
      after: customerIds[written * BATCH - 1],
      customersDone: written * BATCH,
      finishedAt: null,
      completed: null,
    });

    await t.chaos('support', {});
    const middle = await t.siloRequests();
    const report = await t.hub.buildSnapshots();
    const remaining = batches - written;
    expect(report).toMatchObject({
      runId: seen[0].runId,
      completed: true,
      resumedFrom: customerIds[written * BATCH - 1],
      batches: remaining,
      customers: customerIds.length,
    });
    expect(requestsBetween(middle, await t.siloRequests())).toEqual({
      accounting: remaining,
      sales: remaining,
      credit: remaining,
      support: remaining,
    });
  });

  it('leaves one document per customer whose figures match what each system holds', async () => {
    const docs = await snapshots.find({}).sort({ _id: 1 }).toArray();
    expect(docs.map((d) => d._id)).toEqual(customerIds);
    const byId = new Map(docs.map((d) => [d._id, d]));
    const { world } = t.silos;
    for (const account of world.accounting) {
      const doc = byId.get(hubIdOf.get(`accounting:${account.accountNumber}`)!)!;
      expect(doc.figures.accounting).toMatchObject({
        balance: account.balanceMinor / 100,
        overdueAmount: account.overdueMinor / 100,
      });
      expect(doc.asOf.accounting).toBeInstanceOf(Date);
    }
    for (const requester of world.support) {
      const doc = byId.get(hubIdOf.get(`support:${requester.email}`)!)!;
      expect(doc.figures.support.openTickets).toBe(
        requester.tickets.filter((ticket) => OPEN.has(ticket.status)).length,
      );
    }
    const unknownToSupport = docs.filter((d) => !d.links.some((l) => l.system === 'support'));
    expect(unknownToSupport.length).toBeGreaterThan(0);
    expect(unknownToSupport.every((d) => d.figures.support === undefined && d.asOf.support === undefined)).toBe(true);
  });

  it('makes one request per system per batch on a fresh run, and removes customers the identity map no longer has', async () => {
    await snapshots.insertOne({
      _id: 'cus_gone',
      name: 'Gone',
      emails: [],
      phones: [],
      links: [],
      figures: {},
      asOf: {},
      runId: 'old',
      syncedAt: new Date(),
    });
    const before = await t.siloRequests();
    const report = await t.hub.buildSnapshots();
    const batches = Math.ceil(customerIds.length / BATCH);
    expect(report).toMatchObject({
      completed: true,
      resumedFrom: null,
      batches,
      customers: customerIds.length,
      removed: 1,
    });
    expect(requestsBetween(before, await t.siloRequests())).toEqual({
      accounting: batches,
      sales: batches,
      credit: batches,
      support: batches,
    });
    expect(await snapshots.countDocuments({ _id: 'cus_gone' })).toBe(0);
  });

  it('answers filters from the previous run, whole, while a new run is under way', async () => {
    const previous = await snapshots.distinct('runId');
    expect(previous).toHaveLength(1);
    const before = (await allPages(EXAMPLE, {}, 100)).map((n) => n.id);
    let release!: () => void;
    let reached!: () => void;
    const holding = new Promise<void>((resolve) => (reached = resolve));
    const run = t.hub.buildSnapshots(async (progress) => {
      if (progress.batches !== 1) return;
      reached();
      await new Promise<void>((resolve) => (release = resolve));
    });
    await holding; // one batch of the new run is written
    expect(await snapshots.distinct('runId')).toEqual(previous);
    expect((await allPages(EXAMPLE, {}, 100)).map((n) => n.id)).toEqual(before);
    release();
    const report = await run;
    expect(await snapshots.distinct('runId')).toEqual([report.runId]);
    expect(await snapshots.countDocuments({})).toBe(customerIds.length);
  });

  it('filters and orders across departments exactly as the ground truth says, and says how old the data is', async () => {
    const expected = expectedExample();
    expect(expected.length).toBeGreaterThanOrEqual(5);
    const result = await t.query<Page>(EXAMPLE.replace('asOf', 'asOf totalCount'), { first: 100 });
    expect(result.errors).toBeUndefined();
    expect(result.data!.customers.nodes.map((n) => n.id)).toEqual(expected);
    expect(result.data!.customers.totalCount).toBe(expected.length);
    const asOf = new Date(result.data!.customers.asOf!);
    const state = (await t.hub.store.db.collection<SnapshotState>('sync_state').findOne({ _id: 'snapshot' }))!;
    expect(asOf.getTime()).toBeGreaterThanOrEqual(state.startedAt.getTime());
    expect(asOf.getTime()).toBeLessThanOrEqual(state.finishedAt!.getTime());
  });

  it('filters on dates and on text values too, as the ground truth says', async () => {
    const { world } = t.silos;
    const contacts = new Map(world.sales.map((c) => [c.id, c]));
    const profiles = new Map(world.credit.map((p) => [p.taxNumber, p]));
    const lastOrders = world.sales
      .map((c) => c.orders.at(-1)?.placedAt)
      .filter((at): at is string => at !== undefined)
      .sort();
    const cutoff = lastOrders[Math.floor(lastOrders.length / 2)];
    const expected = world.people
      .filter((person) => {
        const last = person.keys.sales ? contacts.get(person.keys.sales)?.orders.at(-1)?.placedAt : undefined;
        const band = person.keys.credit ? profiles.get(person.keys.credit)?.riskBand : undefined;
        return last !== undefined && new Date(last) >= new Date(cutoff) && (band === 'D' || band === 'E');
      })
      .map((person) => hubIdOf.get(`sales:${person.keys.sales}`)!)
      .sort();
    expect(expected.length).toBeGreaterThan(5);
    const query = /* GraphQL */ `
      query ($first: Int!, $after: String, $since: DateTimeISO!) {
        customers(
          filter: { sales: { lastOrderAt: { gte: $since } }, credit: { riskBand: { in: ["D", "E"] } } }
          first: $first
          after: $after
        ) {
          pageInfo {
            hasNextPage
            endCursor
          }
          nodes {
            id
          }
        }
      }
    `;
    expect((await allPages(query, { since: new Date(cutoff).toISOString() }, 100)).map((n) => n.id)).toEqual(expected);
  });

  it('pages through the filtered, ordered list three at a time, each customer once and in order', async () => {
    const ids = (await allPages(EXAMPLE, {}, 3)).map((n) => n.id);
    expect(ids).toEqual(expectedExample());
    // Without orderBy the same filter lists in hub-id order, with the plain list's cursors.
    const unordered = (
      await allPages(EXAMPLE.replace('orderBy: { field: ACCOUNTING_OVERDUE_AMOUNT, direction: DESC }', ''), {}, 2)
    ).map((n) => n.id);
    expect(unordered).toEqual([...expectedExample()].sort());
  });

  it('reads a filtered page with one find on snapshots, walking the fig_ index of the sort figure', async () => {
    const commands = recordCommands(t.hub.store.client);
    const result = await t.query<Page>(EXAMPLE, { first: 20 });
    const counts = countByCollection(commands.take());
    commands.stop();
    expect(result.errors).toBeUndefined();
    expect(counts[`find ${SNAPSHOT_COLLECTION}`]).toBe(1);

    const query = toSnapshotQuery(catalog, {
      first: 20,
      filter: { accounting: { overdueAmount: { gt: 1000 } }, support: { openTickets: { gte: 2 } } },
      orderBy: { field: 'ACCOUNTING_OVERDUE_AMOUNT', direction: SortDirection.DESC },
    });
    const [find] = planSnapshotFinds(query.conditions, query.sort, null);
    const explained = await snapshots.find(find.filter).sort(find.sort).limit(21).explain('executionStats');
    const plan = JSON.stringify(explained.queryPlanner.winningPlan);
    expect(plan).toContain('"indexName":"fig_accounting_overdueAmount"');
    expect(plan).not.toContain('"stage":"SORT"');
    const overdue = await snapshots.countDocuments({ 'figures.accounting.overdueAmount': { $gt: 1000 } });
    expect(explained.executionStats.totalDocsExamined).toBeLessThanOrEqual(overdue);
    expect(overdue).toBeLessThan(customerIds.length / 2);
  });

  it('puts customers without the sort figure last in both directions, and pages across them', async () => {
    const ORDERED = /* GraphQL */ `
      query ($first: Int!, $after: String, $direction: SortDirection!) {
        customers(orderBy: { field: SUPPORT_OPEN_TICKETS, direction: $direction }, first: $first, after: $after) {
          pageInfo {
            hasNextPage
            endCursor
          }
          nodes {
            id
          }
        }
      }
    `;
    const docs = new Map((await snapshots.find({}).toArray()).map((d) => [d._id, d]));
    const tickets = (id: string) => docs.get(id)!.figures.support?.openTickets ?? null;
    for (const direction of ['ASC', 'DESC']) {
      const whole = (await allPages(ORDERED, { direction }, 500)).map((n) => n.id);
      expect(whole).toHaveLength(customerIds.length);
      const values = whole.map(tickets);
      const firstNull = values.indexOf(null);
      expect(firstNull).toBeGreaterThan(0);
      expect(values.slice(firstNull).every((v) => v === null)).toBe(true);
      const numbers = values.slice(0, firstNull) as number[];
      expect(numbers).toEqual([...numbers].sort((a, b) => (direction === 'ASC' ? a - b : b - a)));

      // Pages of 70 where the values end mid-page: one page holds the last values and the first nulls.
      expect(firstNull % 70).not.toBe(0);
      const paged = (await allPages(ORDERED, { direction }, 70)).map((n) => n.id);
      expect(paged).toEqual(whole);
    }
  });

  it('refuses malformed filters and cursors with BAD_USER_INPUT naming the argument', async () => {
    const codeAndArgument = async (query: string, variables: Record<string, unknown> = {}) => {
      const result = await t.query(query, variables);
      return { code: result.errors?.[0]?.extensions?.code, argument: result.errors?.[0]?.extensions?.argument };
    };
    const tooMany = Array.from({ length: 101 }, (_, i) => `band${i}`);
    expect(
      await codeAndArgument(
        `query($in: [String!]) { customers(filter: { credit: { riskBand: { in: $in } } }) { nodes { id } } }`,
        { in: tooMany },
      ),
    ).toEqual({
      code: 'BAD_USER_INPUT',
      argument: 'filter',
    });
    const plainCursor = (
      await t.query<Page>(`{ customers(first: 1) { pageInfo { hasNextPage endCursor } nodes { id } } }`)
    ).data!.customers.pageInfo.endCursor;
    const sorted = `query($after: String) { customers(orderBy: { field: CREDIT_SCORE }, after: $after) { nodes { id } } }`;
    expect(await codeAndArgument(sorted, { after: plainCursor })).toEqual({
      code: 'BAD_USER_INPUT',
      argument: 'after',
    });
    expect(await codeAndArgument(sorted, { after: 'bm90LWEtY3Vyc29y' })).toEqual({
      code: 'BAD_USER_INPUT',
      argument: 'after',
    });
    const exampleCursor = (await t.query<Page>(EXAMPLE, { first: 1 })).data!.customers.pageInfo.endCursor;
    expect(await codeAndArgument(sorted, { after: exampleCursor })).toEqual({
      code: 'BAD_USER_INPUT',
      argument: 'after',
    });
    // A cursor only fits the list it came from: not a list with another filter and the same order,
    // not the plain list, and no plain-list cursor on a filtered one.
    const otherFilter = EXAMPLE.replace('gt: 1000', 'gt: 500');
    expect(await codeAndArgument(otherFilter, { first: 1, after: exampleCursor })).toEqual({
      code: 'BAD_USER_INPUT',
      argument: 'after',
    });
    expect(await codeAndArgument(EXAMPLE, { first: 1, after: plainCursor })).toEqual({
      code: 'BAD_USER_INPUT',
      argument: 'after',
    });
    const plain = `query($after: String) { customers(first: 1, after: $after) { nodes { id } } }`;
    expect(await codeAndArgument(plain, { after: exampleCursor })).toEqual({
      code: 'BAD_USER_INPUT',
      argument: 'after',
    });
    expect((await t.query(EXAMPLE, { first: 1, after: exampleCursor })).errors).toBeUndefined();
    expect(await codeAndArgument(`{ customers(filter: {}, first: 0) { nodes { id } } }`)).toEqual({
      code: 'BAD_USER_INPUT',
      argument: 'first',
    });
  });
});
