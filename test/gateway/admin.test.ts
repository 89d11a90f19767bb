import Fastify, { type FastifyInstance } from 'fastify';
import { isLoopbackAddress, registerAdminRoutes, type FullSyncReport } from '../../gateway/admin';

const REPORT = {
  identity: { customers: 3, records: { sales: 3 }, linkedAcrossSystems: 0, conflicts: 0, removed: 0, durationMs: 5 },
  snapshots: { customers: 3, batches: 1, removed: 0, durationMs: 7 },
} as unknown as FullSyncReport;

describe('isLoopbackAddress', () => {
  it.each(['127.0.0.1', '127.8.9.10', '::1', '::ffff:127.0.0.1'])('accepts %s', (address) => {
    expect(isLoopbackAddress(address)).toBe(true);
  });
  it.each(['10.1.2.3', '192.168.0.4', '::ffff:10.0.0.1', 'fe80::1', '1270.0.0.1', '', undefined])('refuses %s', (address) => {
    expect(isLoopbackAddress(address)).toBe(false);
  });
});

describe('POST /admin/sync', () => {
  let app: FastifyInstance;
  let url: string;
  let runs = 0;
  let fail = false;

  beforeAll(async () => {
    app = Fastify();
    registerAdminRoutes(app, async () => {
      runs += 1;
      if (fail) throw new Error('The sales system is unavailable: it answered HTTP 503');
      return REPORT;
    });
    url = `${await app.listen({ host: '127.0.0.1', port: 0 })}/admin/sync`;
  });
  afterAll(() => app.close());

  it('runs the sync inside the hub for a request from this machine', async () => {
    const response = await fetch(url, { method: 'POST' });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual(REPORT);
    expect(runs).toBe(1);
  });

  it('answers 502 with the reason when the sync fails', async () => {
    fail = true;
    const response = await fetch(url, { method: 'POST' });
    fail = false;
    expect(response.status).toBe(502);
    expect(((await response.json()) as { error: { message: string } }).error.message).toBe('The sales system is unavailable: it answered HTTP 503');
  });
});
