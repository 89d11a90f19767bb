import { signNotice, SIGNATURE_HEADER, TIMESTAMP_HEADER } from '../../../gateway';
import type { Person } from '../../../silos';
import { requestsBetween, startTestHub, type TestHub } from '../../helpers/hub';

const SECRET = 'a-very-secret-webhook-key';

describe('the repository write path', () => {
  let t: TestHub;
  let person: Person;
  let hooks: string;

  const salesFreshness = async () => {
    const result = await t.query<{ customerByPhone: { sales: { freshness: { fetchedAt: string; source: string } } } }>(
      `query($p: String!) { customerByPhone(phone: $p) { sales { freshness { fetchedAt source } } } }`,
      { p: person.phone },
    );
    return result.data!.customerByPhone.sales.freshness;
  };
  const nowSeconds = () => Math.floor(Date.now() / 1000);
  /** Sends a notice; `signature` null sends none, and `timestamp` is what the header says. */
  const notify = (connector: string, body: string, signature: string | null, timestamp = nowSeconds()) =>
    fetch(`${hooks}/${connector}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [TIMESTAMP_HEADER]: String(timestamp),
        ...(signature ? { [SIGNATURE_HEADER]: signature } : {}),
      },
      body,
    });
  const sign = (body: string, timestamp = nowSeconds(), secret = SECRET) => signNotice(secret, body, timestamp);

  beforeAll(async () => {
    // These tests read `freshness.source` to see what the repository did: no response replays.
    t = await startTestHub({
      scale: 200,
      responseCache: { maxEntries: 0 },
      connectors: { sales: { webhookSecret: SECRET }, support: { webhookSecret: SECRET } },
    });
    person = t.silos.world.people.find(
      (p) => p.hardCase === null && p.keys.sales && p.keys.support && p.keys.accounting,
    )!;
    hooks = t.hub.url.replace('/graphql', '/hooks');
    await salesFreshness(); // now in the repository
  });
  afterAll(() => t.close());

  it('refreshes the keys a correctly signed change notice names', async () => {
    expect((await salesFreshness()).source).toBe('REPOSITORY');
    const body = JSON.stringify({ keys: [person.keys.sales] });
    const before = await t.siloRequests();
    const response = await notify('sales', body, sign(body));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ action: 'refresh', keys: 1, refreshed: 1 });
    expect(requestsBetween(before, await t.siloRequests()).sales).toBe(1);
  });

  it.each([
    ['no signature', () => ({ signature: null })],
    [
      'a signature made with another secret',
      (body: string) => ({ signature: sign(body, nowSeconds(), 'not-the-secret-at-all') }),
    ],
    ['a signature of another body', () => ({ signature: sign('{"keys":["someone-else"]}') })],
    ['a signature of another time', (body: string) => ({ signature: sign(body, nowSeconds() - 60) })],
    [
      'a correct signature from ten minutes ago (a replay)',
      (body: string) => ({ signature: sign(body, nowSeconds() - 600), timestamp: nowSeconds() - 600 }),
    ],
    [
      'a correct signature from the future',
      (body: string) => ({ signature: sign(body, nowSeconds() + 600), timestamp: nowSeconds() + 600 }),
    ],
  ])('refuses a notice with %s with 401 and changes nothing', async (_case, make) => {
    const body = JSON.stringify({ keys: [person.keys.sales], action: 'evict' });
    const { signature, timestamp } = make(body) as { signature: string | null; timestamp?: number };
    const before = await t.siloRequests();
    const response = await notify('sales', body, signature, timestamp);
    expect(response.status).toBe(401);
    expect(requestsBetween(before, await t.siloRequests()).sales).toBe(0);
    expect((await salesFreshness()).source).toBe('REPOSITORY');
  });

  it('acts on a notice once: the same delivery again, inside its time window, is refused with 409 and asks no system', async () => {
    const body = JSON.stringify({ keys: [person.keys.sales], action: 'refresh' });
    const timestamp = nowSeconds();
    const signature = sign(body, timestamp);
    expect((await notify('sales', body, signature, timestamp)).status).toBe(200);
    const before = await t.siloRequests();
    const replays = await Promise.all(Array.from({ length: 20 }, () => notify('sales', body, signature, timestamp)));
    expect(replays.map((r) => r.status)).toEqual(Array.from({ length: 20 }, () => 409));
    expect(((await replays[0].json()) as { error: { code: string } }).error.code).toBe('REPLAYED');
    expect(requestsBetween(before, await t.siloRequests()).sales).toBe(0);
  });

  it('refuses a replay whatever id header it carries, since only the signed parts identify a notice', async () => {
    const body = JSON.stringify({ keys: [person.keys.support] });
    const timestamp = nowSeconds();
    const send = (id: string) =>
      fetch(`${hooks}/support`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          [TIMESTAMP_HEADER]: String(timestamp),
          [SIGNATURE_HEADER]: sign(body, timestamp),
          'webhook-id': id,
        },
        body,
      });
    expect((await send('msg_1')).status).toBe(200);
    expect((await send('msg_2')).status).toBe(409);
  });

  it('takes a notice again after it failed, so the system can retry it', async () => {
    const body = JSON.stringify({ keys: [person.keys.sales], action: 'refresh', attempt: 'retry' });
    const timestamp = nowSeconds();
    const signature = sign(body, timestamp);
    await t.chaos('sales', { failRate: 1 });
    const failed = await notify('sales', body, signature, timestamp);
    await t.chaos('sales', {});
    expect(failed.status).toBe(502);
    expect((await notify('sales', body, signature, timestamp)).status).toBe(200);
  });

  it('refuses notices for a connector without a secret', async () => {
    const body = JSON.stringify({ keys: ['AC-0000001'] });
    const response = await notify('accounting', body, sign(body));
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({
      error: { code: 'UNAUTHORIZED', message: expect.stringContaining('no webhook secret') },
    });
  });

  it('evicts on an evict notice, so the next read asks the system', async () => {
    const body = JSON.stringify({ keys: [person.keys.sales], action: 'evict' });
    const response = await notify('sales', body, sign(body));
    expect(await response.json()).toEqual({ action: 'evict', keys: 1, evicted: 1 });
    expect((await salesFreshness()).source).toBe('SYSTEM');
  });

  it.each([
    ['{"keys": []}', '"keys" must be a non-empty array of strings'],
    ['{"keys": ["a"], "action": "delete"}', '"action" must be "refresh" or "evict", found "delete"'],
    ['not json', 'the body is not JSON'],
  ])('answers 400 for the signed but malformed notice %s', async (body, message) => {
    const response = await notify('support', body, sign(body));
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: { code: 'BAD_REQUEST', message } });
  });

  it('re-reads one customer from every system with refreshCustomer', async () => {
    const id = (
      await t.query<{ customerByPhone: { id: string } }>(`query($p: String!) { customerByPhone(phone: $p) { id } }`, {
        p: person.phone,
      })
    ).data!.customerByPhone.id;
    const before = await t.siloRequests();
    const result = await t.query<{
      refreshCustomer: {
        systems: Array<{ system: string; ok: boolean }>;
        customer: { sales: { freshness: { source: string } } };
      };
    }>(
      `mutation($id: ID!) { refreshCustomer(id: $id) { systems { system ok error } customer { id sales { freshness { source } } } } }`,
      { id },
    );
    expect(result.errors).toBeUndefined();
    const systems = Object.entries(person.keys).map(([system]) => system);
    expect(result.data!.refreshCustomer.systems).toEqual(systems.map((system) => ({ system, ok: true, error: null })));
    const delta = requestsBetween(before, await t.siloRequests());
    for (const system of systems) expect(delta[system]).toBe(1);
    expect(result.data!.refreshCustomer.customer.sales.freshness.source).toBe('REPOSITORY');
  });

  it('reports which system failed during refreshCustomer', async () => {
    const id = (
      await t.query<{ customerByPhone: { id: string } }>(`query($p: String!) { customerByPhone(phone: $p) { id } }`, {
        p: person.phone,
      })
    ).data!.customerByPhone.id;
    await t.chaos('sales', { failRate: 1 });
    try {
      const result = await t.query<{
        refreshCustomer: { systems: Array<{ system: string; ok: boolean; error: string | null }> };
      }>(`mutation($id: ID!) { refreshCustomer(id: $id) { systems { system ok error } } }`, { id });
      const sales = result.data!.refreshCustomer.systems.find((s) => s.system === 'sales')!;
      expect(sales).toEqual({
        system: 'sales',
        ok: false,
        error: 'The sales system is unavailable: it answered HTTP 503',
      });
      expect(result.data!.refreshCustomer.systems.filter((s) => s.system !== 'sales').every((s) => s.ok)).toBe(true);
    } finally {
      await t.chaos('sales', {});
    }
  });
});
