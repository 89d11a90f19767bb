import { startTestHub, type TestHub } from '../../helpers/hub';
import { recordingLogger, type RecordingLogger } from '../../helpers/recording-logger';

jest.setTimeout(60_000);

/** The hub's base URL (without `/graphql`). */
const base = (t: TestHub) => t.hub.url.replace(/\/graphql$/, '');

async function noticeStatus(t: TestHub, connector: string): Promise<number> {
  const response = await fetch(`${base(t)}/hooks/${connector}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ keys: ['x'] }),
  });
  return response.status;
}

async function readinessChecks(t: TestHub): Promise<string[]> {
  const response = await fetch(`${base(t)}/readyz`);
  return Object.keys(((await response.json()) as { checks: Record<string, unknown> }).checks).sort();
}

async function queryPage(t: TestHub): Promise<string> {
  return (await fetch(t.hub.url, { headers: { accept: 'text/html' } })).text();
}

async function metricsText(t: TestHub): Promise<string> {
  return (await fetch(`${base(t)}/metrics`)).text();
}

describe('what follows a reload besides the graph', () => {
  let t: TestHub;
  let log: RecordingLogger;

  beforeAll(async () => {
    log = recordingLogger();
    t = await startTestHub({ scale: 50, only: ['accounting', 'sales'], logger: log.logger });
  });
  afterAll(() => t.close());

  it('takes change notices, checks readiness and shows the screen pop for a connector the reload added', async () => {
    expect(await noticeStatus(t, 'credit')).toBe(404);
    expect(await readinessChecks(t)).toEqual(['accounting', 'sales', 'store']);
    expect(await queryPage(t)).not.toMatch(/\bcredit\b/);

    t.reconfigure({ connectors: { credit: { enabled: true } } });
    expect((await t.hub.reload()).ok).toBe(true);

    // 401, not 404: the route now knows credit, which has no webhook secret configured.
    expect(await noticeStatus(t, 'credit')).toBe(401);
    expect(await readinessChecks(t)).toEqual(['accounting', 'credit', 'sales', 'store']);
    expect(await queryPage(t)).toMatch(/\bcredit\b/);
  });

  it('refuses change notices for, and drops the metrics of, a connector the reload removed', async () => {
    // A read of sales, so its metrics have series.
    const read = await t.query(/* GraphQL */ `
      {
        customers(first: 5) {
          nodes {
            sales {
              __typename
            }
          }
        }
      }
    `);
    expect(read.errors).toBeUndefined();
    expect(await metricsText(t)).toContain('connector="sales"');
    log.clear();
    t.reconfigure({ connectors: { credit: { enabled: true }, sales: { enabled: false } } });
    const report = await t.hub.reload();
    expect(report).toMatchObject({ ok: true, connectors: ['accounting', 'credit'], added: [], removed: ['sales'] });

    expect(await noticeStatus(t, 'sales')).toBe(404);
    expect(await readinessChecks(t)).toEqual(['accounting', 'credit', 'store']);
    await log.line(/^info: Released the connectors of the previous configuration/);
    expect(await metricsText(t)).not.toContain('connector="sales"');
  });
});
