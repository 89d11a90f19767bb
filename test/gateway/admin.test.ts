import Fastify, { type FastifyInstance } from 'fastify';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  ADMIN_TOKEN_HEADER,
  createAdminToken,
  isLoopbackAddress,
  readAdminToken,
  registerAdminRoutes,
  type FullSyncReport,
  type SyncEvent,
} from '../../gateway/admin';
import { syncThroughHub, type SyncViews } from '../../gateway/sync-command';

const REPORT = {
  identity: { customers: 3, records: { sales: 3 }, linkedAcrossSystems: 0, conflicts: 0, removed: 0, durationMs: 5 },
  snapshots: { customers: 3, batches: 1, removed: 0, durationMs: 7 },
} as unknown as FullSyncReport;

describe('isLoopbackAddress', () => {
  it.each(['127.0.0.1', '127.8.9.10', '::1', '::ffff:127.0.0.1'])('accepts %s', (address) => {
    expect(isLoopbackAddress(address)).toBe(true);
  });
  it.each(['10.1.2.3', '192.168.0.4', '::ffff:10.0.0.1', 'fe80::1', '1270.0.0.1', '', undefined])(
    'refuses %s',
    (address) => {
      expect(isLoopbackAddress(address)).toBe(false);
    },
  );
});

describe('the admin token', () => {
  it('is written to the data directory for its owner only, read back, and removed', () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'sb-admin-'));
    const created = createAdminToken(dataDir);
    expect(created.token).toMatch(/^[0-9a-f]{64}$/);
    expect(statSync(path.join(dataDir, 'admin.token')).mode & 0o777).toBe(0o600);
    expect(readAdminToken(dataDir)).toBe(created.token);
    created.remove();
    expect(readAdminToken(dataDir)).toBeNull();
  });
});

describe('POST /admin/sync', () => {
  let app: FastifyInstance;
  let url: string;
  let runs = 0;
  let fail = false;
  /** Set by a test to hold the sync after its first progress event, until it resolves. */
  let hold: Promise<void> | null = null;
  const TOKEN = 'f'.repeat(64);
  const post = (token: string | null = TOKEN) =>
    fetch(url, { method: 'POST', headers: token === null ? {} : { [ADMIN_TOKEN_HEADER]: token } });
  const events = async (response: Response) =>
    (await response.text())
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as SyncEvent);

  /** Views that record what they were shown. */
  function recordingViews() {
    const shown: string[] = [];
    const views: SyncViews = {
      identity: { update: (p) => shown.push(`identity ${p.system} ${p.records}`), stop: () => undefined },
      snapshots: {
        update: (p) => shown.push(`snapshots ${p.customersDone}/${p.customersTotal}`),
        stop: () => undefined,
      },
    };
    return { shown, views };
  }

  beforeAll(async () => {
    app = Fastify();
    registerAdminRoutes(
      app,
      async (progress) => {
        runs += 1;
        progress({ event: 'identity', system: 'sales', records: 3 });
        if (hold) await hold;
        if (fail) throw new Error('The sales system is unavailable: it answered HTTP 503');
        progress({ event: 'snapshots', runId: 'r', customersDone: 3, customersTotal: 3, batches: 1 });
        return REPORT;
      },
      TOKEN,
    );
    url = `${await app.listen({ host: '127.0.0.1', port: 0 })}/admin/sync`;
  });
  afterAll(() => app.close());

  it('runs the sync inside the hub for a request from this machine with the token, streaming its progress', async () => {
    const response = await post();
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
    expect(await events(response)).toEqual([
      { event: 'identity', system: 'sales', records: 3 },
      { event: 'snapshots', runId: 'r', customersDone: 3, customersTotal: 3, batches: 1 },
      { event: 'done', report: REPORT },
    ]);
    expect(runs).toBe(1);
  });

  it('shows progress to `npm run sync` while the sync is still running, then returns the report', async () => {
    let release!: () => void;
    hold = new Promise<void>((resolve) => (release = resolve));
    const { shown, views } = recordingViews();
    let firstShown!: () => void;
    const shownOnce = new Promise<void>((resolve) => (firstShown = resolve));
    const identity = views.identity.update;
    views.identity.update = (p) => {
      identity(p);
      firstShown();
    };
    const report = syncThroughHub(url, TOKEN, views);
    await shownOnce; // the hub's sync is still held: this line came while it runs
    expect(shown).toEqual(['identity sales 3']);
    release();
    expect(await report).toEqual(REPORT);
    expect(shown).toEqual(['identity sales 3', 'snapshots 3/3']);
    hold = null;
  });

  it.each([
    ['no token', null],
    ['a wrong token', 'e'.repeat(64)],
    ['a token of another length', 'f'],
  ])('refuses a request with %s with 403, without syncing', async (_case, token) => {
    const before = runs;
    const response = await post(token);
    expect(response.status).toBe(403);
    expect(runs).toBe(before);
  });

  it('ends the stream with the reason when the sync fails, which `npm run sync` reports', async () => {
    fail = true;
    const response = await post();
    expect(await events(response)).toEqual([
      { event: 'identity', system: 'sales', records: 3 },
      {
        event: 'error',
        error: { code: 'UPSTREAM_UNAVAILABLE', message: 'The sales system is unavailable: it answered HTTP 503' },
      },
    ]);
    await expect(syncThroughHub(url, TOKEN, recordingViews().views)).rejects.toThrow(
      "The running hub's sync failed: The sales system is unavailable: it answered HTTP 503",
    );
    fail = false;
  });

  it('tells `npm run sync` why the hub refused it', async () => {
    await expect(syncThroughHub(url, 'e'.repeat(64), recordingViews().views)).rejects.toThrow(
      /refused the sync: Admin routes answer only this machine, with the admin token/,
    );
  });
});

describe('/admin/keys, for `npx switchboard keys` beside a running hub', () => {
  let app: FastifyInstance;
  let base: string;
  const TOKEN = 'a'.repeat(64);
  const made: Array<{ name: string; roles: string[] }> = [];
  const keys = {
    create: async (name: string, roles: readonly string[]) => {
      made.push({ name, roles: [...roles] });
      return {
        _id: '0123456789ab',
        name,
        roles: [...roles],
        createdAt: new Date(0),
        revokedAt: null,
        demo: false,
        token: 'sb_x',
      };
    },
    list: async () => [],
    revoke: async (id: string) => id === '0123456789ab',
  };
  const call = (path: string, init: RequestInit = {}, token: string | null = TOKEN) =>
    fetch(`${base}${path}`, {
      ...init,
      headers: {
        ...(init.body ? { 'content-type': 'application/json' } : {}),
        ...(token ? { [ADMIN_TOKEN_HEADER]: token } : {}),
      },
    });

  beforeAll(async () => {
    app = Fastify();
    registerAdminRoutes(app, async () => REPORT, TOKEN, keys);
    base = await app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(() => app.close());

  it('creates a key with known roles and answers its token once', async () => {
    const response = await call('/admin/keys', {
      method: 'POST',
      body: JSON.stringify({ name: 'crm', roles: ['sales'] }),
    });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { token: string }).token).toBe('sb_x');
    expect(made).toEqual([{ name: 'crm', roles: ['sales'] }]);
  });

  it.each([
    [{ name: '', roles: ['sales'] }, 'A key needs a name of 1 to 100 characters (--name)'],
    [{ name: 'crm', roles: [] }, /^A key needs at least one role/],
    [{ name: 'crm', roles: ['sales', 'root'] }, /^Unknown role "root": expected one of sales, accounting/],
  ])('refuses %j with 400 and a sentence, creating nothing', async (body, message) => {
    const before = made.length;
    const response = await call('/admin/keys', { method: 'POST', body: JSON.stringify(body) });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(message);
    expect(made.length).toBe(before);
  });

  it('guards the routes the router matches, so a percent-encoded path is no way around the token', async () => {
    const before = made.length;
    const body = JSON.stringify({ name: 'x', roles: ['admin'] });
    for (const path of ['/%61dmin/keys', '/admin/%6beys', '/ADMIN/keys'.toLowerCase().replace('a', '%61')]) {
      const response = await call(path, { method: 'POST', body }, null);
      expect([path, response.status]).toEqual([path, 403]);
    }
    expect(made.length).toBe(before);
  });

  it('revokes a key by id, 404 for one it does not have, and 403 without the admin token', async () => {
    expect((await call('/admin/keys/0123456789ab', { method: 'DELETE' })).status).toBe(200);
    expect((await call('/admin/keys/ffffffffffff', { method: 'DELETE' })).status).toBe(404);
    expect((await call('/admin/keys', {}, null)).status).toBe(403);
  });
});
