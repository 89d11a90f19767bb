import { signNotice, SIGNATURE_HEADER, TIMESTAMP_HEADER } from '../../../gateway';
import { SCREEN_POP_QUERY } from '../../../connectors';
import type { Person } from '../../../silos';
import { countByCollection, recordCommands } from '../../helpers/store-commands';
import { requestsBetween, startTestHub, type TestHub } from '../../helpers/hub';

const SECRET = 'a-very-secret-webhook-key';

describe('the response cache', () => {
  let t: TestHub;
  let person: Person;
  // Starts at the real time: the repository's TTL index expires copies by the real clock.
  let clock = new Date();

  const post = async (query: string, variables: Record<string, unknown> = {}) => {
    const response = await fetch(t.hub.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables }),
    });
    return {
      hit: response.headers.get('x-switchboard-cache') === 'hit',
      body: (await response.json()) as { data?: unknown; errors?: unknown[] },
    };
  };

  beforeAll(async () => {
    t = await startTestHub({
      scale: 200,
      now: () => clock,
      // A cap above the TTL, so the data's own freshness is what ends an entry.
      responseCache: { maxAgeSeconds: 600 },
      connectors: Object.fromEntries(
        ['accounting', 'sales', 'credit', 'support'].map((s) => [
          s,
          { freshness: { ttlSeconds: 60, staleIfErrorSeconds: 3600 }, webhookSecret: SECRET },
        ]),
      ),
    });
    person = t.silos.world.people.find(
      (p) => p.hardCase === null && p.keys.accounting && p.keys.sales && p.keys.credit && p.keys.support,
    )!;
  });
  afterAll(() => t.close());

  it('answers a repeated screen pop from memory: same body, no store command, no upstream request', async () => {
    const first = await post(SCREEN_POP_QUERY, { phone: person.phone });
    expect(first.hit).toBe(false);
    await t.hub.settle();
    const commands = recordCommands(t.hub.store.client);
    const before = await t.siloRequests();
    const second = await post(SCREEN_POP_QUERY, { phone: person.phone });
    expect(second.hit).toBe(true);
    expect(second.body).toEqual(first.body);
    expect(countByCollection(commands.take())).toEqual({});
    commands.stop();
    expect(requestsBetween(before, await t.siloRequests())).toEqual({ accounting: 0, sales: 0, credit: 0, support: 0 });
  });

  it('executes a request that says Cache-Control: no-cache', async () => {
    const response = await fetch(t.hub.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'cache-control': 'no-cache' },
      body: JSON.stringify({ query: SCREEN_POP_QUERY, variables: { phone: person.phone } }),
    });
    expect(response.headers.get('x-switchboard-cache')).toBeNull();
    expect(((await response.json()) as { errors?: unknown }).errors).toBeUndefined();
  });

  it('keys on the variables: another caller is not a hit', async () => {
    const other = t.silos.world.people.find((p) => p !== person && p.keys.accounting)!;
    expect((await post(SCREEN_POP_QUERY, { phone: other.phone })).hit).toBe(false);
  });

  it('expires with the earliest TTL of the data in the response', async () => {
    clock = new Date(clock.getTime() + 59_000);
    expect((await post(SCREEN_POP_QUERY, { phone: person.phone })).hit).toBe(true);
    clock = new Date(clock.getTime() + 2_000);
    const before = await t.siloRequests();
    expect((await post(SCREEN_POP_QUERY, { phone: person.phone })).hit).toBe(false);
    expect(requestsBetween(before, await t.siloRequests())).toEqual({ accounting: 1, sales: 1, credit: 1, support: 1 });
  });

  it('is cleared by a change notice', async () => {
    await t.hub.settle();
    expect((await post(SCREEN_POP_QUERY, { phone: person.phone })).hit).toBe(true);
    const body = JSON.stringify({ keys: [person.keys.sales], action: 'evict' });
    const notice = await fetch(t.hub.url.replace('/graphql', '/hooks/sales'), {
      method: 'POST',
      headers: (() => {
        // Stamped with the hub's clock (this suite's test clock), which the tolerance is judged by.
        const timestamp = Math.floor(clock.getTime() / 1000);
        return {
          'content-type': 'application/json',
          [SIGNATURE_HEADER]: signNotice(SECRET, body, timestamp),
          [TIMESTAMP_HEADER]: String(timestamp),
        };
      })(),
      body,
    });
    expect(notice.status).toBe(200);
    expect((await post(SCREEN_POP_QUERY, { phone: person.phone })).hit).toBe(false);
  });

  it('never keeps a response with errors or with stale data', async () => {
    const bad = `{ customerByPhone(phone: "not a phone") { id } }`;
    await post(bad);
    expect((await post(bad)).hit).toBe(false);

    clock = new Date(clock.getTime() + 120_000);
    await t.chaos('credit', { failRate: 1 });
    try {
      const stale = await post(SCREEN_POP_QUERY, { phone: person.phone });
      expect((stale.body as { extensions?: { freshness?: unknown } }).extensions?.freshness).toBeDefined();
      expect((await post(SCREEN_POP_QUERY, { phone: person.phone })).hit).toBe(false);
    } finally {
      await t.chaos('credit', {});
    }
  });

  it('never keeps a response longer than maxAgeSeconds, however fresh its data', async () => {
    const capped = await startTestHub({ scale: 50, now: () => clock, responseCache: { maxAgeSeconds: 5 } });
    try {
      const query = `{ customers(first: 3) { nodes { id } } }`;
      const ask = async () =>
        (
          await fetch(capped.hub.url, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ query }),
          })
        ).headers.get('x-switchboard-cache');
      await ask();
      expect(await ask()).toBe('hit');
      clock = new Date(clock.getTime() + 6_000);
      expect(await ask()).toBeNull();
    } finally {
      await capped.close();
    }
  });

  it('never answers a mutation from memory', async () => {
    const id = (
      (await post(`query($p: String!) { customerByPhone(phone: $p) { id } }`, { p: person.phone })).body as {
        data: { customerByPhone: { id: string } };
      }
    ).data.customerByPhone.id;
    const mutation = `mutation($id: ID!) { refreshCustomer(id: $id) { systems { system ok } } }`;
    await post(mutation, { id });
    const before = await t.siloRequests();
    expect((await post(mutation, { id })).hit).toBe(false);
    expect(requestsBetween(before, await t.siloRequests()).sales).toBe(1);
  });

  it('never replays a saved query: a run after a new version is saved runs the new version', async () => {
    const save = (document: string) =>
      post('mutation ($input: SaveQueryInput!) { saveQuery(input: $input) { version } }', {
        input: { name: 'cache-probe', description: 'A probe of the response cache', document },
      });
    const run = () => post('{ runSavedQuery(name: "cache-probe") { version data } }');
    expect((await save('{ first: __typename }')).body.errors).toBeUndefined();
    const once = await run();
    expect(once.body.data).toEqual({ runSavedQuery: { version: 1, data: { first: 'Query' } } });
    expect((await run()).hit).toBe(false);
    // The same request, a new version since: no cached answer may stand in for it.
    expect((await save('{ second: __typename }')).body.errors).toBeUndefined();
    const after = await run();
    expect(after.hit).toBe(false);
    expect(after.body.data).toEqual({ runSavedQuery: { version: 2, data: { second: 'Query' } } });
    // Nor is the list of saved queries kept.
    const listed = () => post('{ savedQueries(search: "cache-probe") { name version } }');
    await listed();
    const again = await listed();
    expect(again.hit).toBe(false);
    expect(again.body.data).toEqual({ savedQueries: [{ name: 'cache-probe', version: 2 }] });
  });
});
