import { loadConfig } from '../../../config';
import { silentLogger, startHub } from '../../../gateway';
import { ApiKeyRepository } from '../../../store/api-keys.repository';
import { MAX_FAILURES_PER_WINDOW } from '../../../gateway/auth/hook';
import { startTestHub, type TestHub } from '../../helpers/hub';

const POP = /* GraphQL */ `
  query ($phone: String!) {
    customerByPhone(phone: $phone) {
      id
      accounting {
        balance
      }
    }
  }
`;

describe('authentication at the hub', () => {
  let t: TestHub;
  let keys: ApiKeyRepository;
  let phone: string;
  beforeAll(async () => {
    t = await startTestHub({ scale: 50, auth: { enabled: true, keyCacheSeconds: 0 } });
    keys = new ApiKeyRepository(t.hub.store.db);
    phone = t.silos.world.people.find((p) => p.keys.accounting && p.keys.credit)!.phone;
  });
  afterAll(() => t.close());

  it('refuses a request without a credential with 401, a Bearer challenge and UNAUTHENTICATED, asking no system', async () => {
    const before = await t.siloRequests();
    const response = await t.post(POP, { phone });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="switchboard"');
    expect(
      ((await response.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0].extensions.code,
    ).toBe('UNAUTHENTICATED');
    expect(await t.siloRequests()).toEqual(before);
  });

  it('authenticates by the route matched, so /%67raphql is no way around it', async () => {
    const encoded = t.hub.url.replace('/graphql', '/%67raphql');
    const response = await fetch(encoded, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(response.status).toBe(401);
  });

  it('serves a request with a valid key, and refuses the same key once revoked', async () => {
    const key = await keys.create('crm-sync', ['accounting']);
    const ok = await t.post(POP, { phone }, { authorization: `Bearer ${key.token}` });
    expect(ok.status).toBe(200);
    const body = (await ok.json()) as { data: { customerByPhone: { accounting: { balance: number } | null } } };
    expect(body.data.customerByPhone.accounting).not.toBeNull();

    expect(await keys.revoke(key._id)).toBe(true);
    const refused = await t.post(POP, { phone }, { authorization: `Bearer ${key.token}` });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toContain('error="invalid_token"');
  });

  it('never answers a caller from the cached response of a caller with more rights', async () => {
    const admin = await keys.create('ops', ['admin']);
    const support = await keys.create('desk', ['support']);
    const query = `query ($phone: String!) { customerByPhone(phone: $phone) { id credit { score } } }`;
    const ask = (token: string) => t.post(query, { phone }, { authorization: `Bearer ${token}` });
    await ask(admin.token);
    const replayed = await ask(admin.token);
    expect(replayed.headers.get('x-switchboard-cache')).toBe('hit');

    const other = await ask(support.token);
    expect(other.headers.get('x-switchboard-cache')).toBeNull();
    const body = (await other.json()) as {
      data: { customerByPhone: { credit: { score: unknown } | null } };
      errors: Array<{ path: unknown[]; extensions: { code: string } }>;
    };
    // Support may not read credit scores (config/policy.yaml): the admin's score must not come back.
    expect(body.data.customerByPhone.credit?.score ?? null).toBeNull();
    expect(body.errors.map((e) => [e.path, e.extensions.code])).toEqual([
      [['customerByPhone', 'credit', 'score'], 'FORBIDDEN'],
    ]);
  });

  it('stores only a hash of a key, never its secret', async () => {
    const key = await keys.create('report-bot', ['analyst']);
    const stored = await t.hub.store.db.collection('api_keys').findOne({ _id: key._id as never });
    expect(JSON.stringify(stored)).not.toContain(key.token.slice(-43));
    expect(stored).toMatchObject({ name: 'report-bot', roles: ['analyst'], revokedAt: null });
  });

  it('keeps /metrics from a caller without the admin or integrator role', async () => {
    const metrics = t.hub.url.replace('/graphql', '/metrics');
    expect((await fetch(metrics)).status).toBe(401);
    const sales = await keys.create('sales-desk', ['sales']);
    expect((await fetch(metrics, { headers: { authorization: `Bearer ${sales.token}` } })).status).toBe(403);
    const ops = await keys.create('ops', ['integrator']);
    expect((await fetch(metrics, { headers: { authorization: `Bearer ${ops.token}` } })).status).toBe(200);
  });

  it('makes no demo keys when authentication is on', () => {
    expect(t.hub.demoKeys).toEqual([]);
  });
});

describe('demo mode and production mode', () => {
  it('refuses to start in production without authentication, naming the setting', async () => {
    const config = loadConfig({
      env: {},
      overrides: {
        server: { host: '127.0.0.1', port: 0 },
        mongodb: { memory: true, embeddedIn: 'inline' },
        demo: { enabled: false },
        identity: { syncOnStart: 'never' },
        production: true,
        connectors: { sales: { url: 'http://127.0.0.1:9' } },
      },
    });
    await expect(startHub(config, { logger: silentLogger, listen: false })).rejects.toThrow(
      /^Refusing to start: NODE_ENV is production and no authentication is configured\. Set auth\.enabled: true/,
    );
  });

  it('answers anonymous requests as admin in demo mode, and makes one working key per role', async () => {
    const t = await startTestHub({ scale: 30 });
    try {
      expect((await t.post('{ customers(first: 1) { totalCount } }')).status).toBe(200);
      expect(t.hub.demoKeys.map((k) => k.roles[0])).toEqual([
        'sales',
        'accounting',
        'credit',
        'support',
        'analyst',
        'integrator',
        'admin',
        'customer-self',
      ]);
      const support = t.hub.demoKeys.find((k) => k.roles[0] === 'support')!;
      const metrics = t.hub.url.replace('/graphql', '/metrics');
      expect((await fetch(metrics, { headers: { authorization: `Bearer ${support.token}` } })).status).toBe(403);
    } finally {
      await t.close();
    }
  });
});

describe('a production hub', () => {
  let t: TestHub;
  const tokens = new Map<string, string>();
  const as = (role: string) => ({ authorization: `Bearer ${tokens.get(role)}` });
  beforeAll(async () => {
    t = await startTestHub({ scale: 30, production: true, auth: { enabled: true } });
    const keys = new ApiKeyRepository(t.hub.store.db);
    for (const role of ['sales', 'integrator', 'admin']) tokens.set(role, (await keys.create(role, [role])).token);
  });
  afterAll(() => t.close());

  it('lets only integrators and admins introspect', async () => {
    const introspection = '{ __schema { queryType { name } } }';
    const sales = (await (await t.post(introspection, {}, as('sales'))).json()) as {
      errors?: Array<{ extensions: { code: string } }>;
    };
    expect(sales.errors?.map((e) => e.extensions.code)).toEqual(['FORBIDDEN']);
    const integrator = (await (await t.post(introspection, {}, as('integrator'))).json()) as {
      data?: { __schema: { queryType: { name: string } } };
    };
    expect(integrator.data?.__schema.queryType.name).toBe('Query');
  });

  it('keeps "Did you mean" suggestions from everyone but integrators and admins', async () => {
    const typo = '{ customerByPhon(phone: "1") { id } }';
    const message = async (role: string) =>
      ((await (await t.post(typo, {}, as(role))).json()) as { errors: Array<{ message: string }> }).errors[0].message;
    expect(await message('sales')).toBe('Cannot query field "customerByPhon" on type "Query".');
    expect(await message('admin')).toMatch(/ Did you mean "customerByPhone", .*\?$/);
  });

  it('does not prefill a customer phone number in the query page', async () => {
    const page = await fetch(t.hub.url, { headers: { accept: 'text/html' } });
    const html = await page.text();
    const phones = new Set(t.silos.world.people.map((p) => p.phone));
    expect([...phones].filter((phone) => html.includes(phone))).toEqual([]);
    expect(html).toContain('+1 415 555 0100');
  });
});

describe('guessing credentials', () => {
  it('answers 429 with Retry-After, unverified, once one address has sent too many refused credentials', async () => {
    const t = await startTestHub({ scale: 20, auth: { enabled: true, keyCacheSeconds: 0 } });
    try {
      const guess = (i: number) =>
        t.post(
          '{ __typename }',
          {},
          { authorization: `Bearer sb_${i.toString(16).padStart(12, '0')}_${'A'.repeat(43)}` },
        );
      const statuses: number[] = [];
      for (let i = 0; i < MAX_FAILURES_PER_WINDOW; i += 1) statuses.push((await guess(i)).status);
      expect(new Set(statuses)).toEqual(new Set([401]));
      const finds = () =>
        t.hub.metrics
          .render()
          .then((text) => /switchboard_store_commands_total\{command="find"\} (\d+)/.exec(text)?.[1]);
      const before = await finds();
      expect(Number(before)).toBeGreaterThan(0);
      const refused = await guess(999);
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await finds()).toBe(before); // the guess was not looked up
    } finally {
      await t.close();
    }
  });
});
