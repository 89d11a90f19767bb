import Fastify, { type FastifyInstance } from 'fastify';
import { registerLoadShedding } from '../../gateway/load-shedding';
import { startTestHub, type TestHub } from '../helpers/hub';

/** Keeps the event loop busy for `ms`: what a saturated hub does to every request waiting on it. */
function stall(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // busy on purpose
  }
}

/**
 * Saturates the event loop in turns of 100 ms until stopped (15 s at most), as a hub under load
 * is: every turn is late. One long stall is not enough. The plugin judges the mean delay of the
 * loop's turns over a sample, and one late turn among a sample's on-time ones (one every 10 ms)
 * may not lift it over the limit, depending on where in the sample it falls; and the pressure a
 * sample finds lasts one sample, which a request sent after the stall may miss. Saturating while
 * the test sends its requests keeps every sample late.
 */
function saturate(): { stop: () => Promise<void> } {
  let running = true;
  const end = performance.now() + 15_000;
  const done = (async () => {
    while (running && performance.now() < end) {
      stall(100);
      await new Promise((resolve) => setImmediate(resolve));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await done;
    },
  };
}

/** Waits, checking at every sample of the plugin (bounded at 5 s), until `condition` holds. */
async function whenSampled(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !condition(); i += 1) await new Promise((resolve) => setTimeout(resolve, 10));
  if (!condition()) throw new Error('the condition never held');
}

describe('load shedding', () => {
  let app: FastifyInstance;
  let base: string;
  const shed: string[] = [];

  beforeAll(async () => {
    app = Fastify();
    await registerLoadShedding(
      app,
      { maxEventLoopDelayMs: 50, maxEventLoopUtilization: 0, sampleIntervalMs: 1_000, retryAfterSeconds: 2 },
      (signal) => shed.push(signal),
    );
    app.post('/graphql', async () => ({ data: { ok: true } }));
    app.get('/health', async () => ({ status: 'ok' }));
    app.get('/metrics', async () => 'metrics');
    app.post('/admin/sync', async () => ({ started: true }));
    base = await app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(() => app.close());

  const graphql = () => fetch(`${base}/graphql`, { method: 'POST' });

  it('refuses requests with 503, Retry-After and OVERLOADED while the event loop is stalled, and serves them again after', async () => {
    expect((await graphql()).status).toBe(200);
    const load = saturate();
    try {
      await whenSampled(() => app.isUnderPressure());
      const refused = await graphql();
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toBe('2');
      const body = (await refused.json()) as {
        errors: Array<{ message: string; extensions: Record<string, unknown> }>;
      };
      expect(body.errors[0].extensions).toEqual({ code: 'OVERLOADED', retryAfterSeconds: 2 });
      expect(body.errors[0].message).toMatch(/retry after 2 s/);
      // An operator still sees the hub's health and metrics and can run their admin routes; a
      // path no route matches is a plain 404.
      expect((await fetch(`${base}/health`)).status).toBe(200);
      expect((await fetch(`${base}/metrics`)).status).toBe(200);
      expect((await fetch(`${base}/admin/sync`, { method: 'POST' })).status).toBe(200);
      expect((await fetch(`${base}/nowhere`)).status).toBe(404);
      // Still under pressure after them, so they were answered under pressure, not after it.
      expect(app.isUnderPressure()).toBe(true);
      expect(shed).toEqual(['eventLoopDelay']);
    } finally {
      await load.stop();
    }

    await whenSampled(() => !app.isUnderPressure());
    expect((await graphql()).status).toBe(200);
  });

  it('registers nothing when both signals are off', async () => {
    const quiet = Fastify();
    await registerLoadShedding(quiet, {
      maxEventLoopDelayMs: 0,
      maxEventLoopUtilization: 0,
      sampleIntervalMs: 100,
      retryAfterSeconds: 1,
    });
    expect(quiet.hasDecorator('isUnderPressure')).toBe(false);
    await quiet.close();
  });
});

describe('load shedding in the hub', () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub({
      scale: 50,
      limits: { shedding: { maxEventLoopDelayMs: 50, sampleIntervalMs: 1_000, retryAfterSeconds: 3 } },
    });
  });
  afterAll(() => t.close());

  it('refuses a GraphQL request while saturated, and counts it at /metrics', async () => {
    const metrics = t.hub.url.replace('/graphql', '/metrics');
    const shedSamples = async () =>
      Number(
        /switchboard_requests_shed_total\{signal="eventLoopDelay"\} (\d+)/.exec(
          await (await fetch(metrics)).text(),
        )?.[1] ?? 0,
      );
    expect(await shedSamples()).toBe(0);
    // Under pressure once a whole sample has been saturated (within two samples), until the load stops.
    let refused: Response | undefined;
    const load = saturate();
    try {
      const deadline = performance.now() + 10_000;
      while (refused === undefined && performance.now() < deadline) {
        const answer = await fetch(t.hub.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query: '{ __typename }' }),
        });
        if (answer.status === 503) refused = answer;
      }
    } finally {
      await load.stop();
    }
    expect(refused?.headers.get('retry-after')).toBe('3');
    expect(
      ((await refused!.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0].extensions.code,
    ).toBe('OVERLOADED');
    expect(await shedSamples()).toBe(1);
  });
});
