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
} from '../../gateway/admin';

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
  const TOKEN = 'f'.repeat(64);
  const post = (token: string | null = TOKEN) =>
    fetch(url, { method: 'POST', headers: token === null ? {} : { [ADMIN_TOKEN_HEADER]: token } });

  beforeAll(async () => {
    app = Fastify();
    registerAdminRoutes(
      app,
      async () => {
        runs += 1;
        if (fail) throw new Error('The sales system is unavailable: it answered HTTP 503');
        return REPORT;
      },
      TOKEN,
    );
    url = `${await app.listen({ host: '127.0.0.1', port: 0 })}/admin/sync`;
  });
  afterAll(() => app.close());

  it('runs the sync inside the hub for a request from this machine with the token', async () => {
    const response = await post();
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual(REPORT);
    expect(runs).toBe(1);
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

  it('answers 502 with the reason when the sync fails', async () => {
    fail = true;
    const response = await post();
    fail = false;
    expect(response.status).toBe(502);
    expect(((await response.json()) as { error: { message: string } }).error.message).toBe(
      'The sales system is unavailable: it answered HTTP 503',
    );
  });
});
