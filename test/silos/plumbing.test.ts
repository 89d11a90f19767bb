import { ALL_SILO_NAMES, generateWorld, type RunningSilos, type SiloName } from '../../silos';
import { getJson, postJson, startOnFreePorts, type ErrorAnswer } from './http';

/** One cheap API read per silo, to count and to break. */
const API_READ: Record<SiloName, string> = {
  accounting: '/accounts?limit=1',
  sales: '/contacts?pageSize=1',
  credit: '/profiles?limit=1',
  support: '/requesters?limit=1',
  marketing: '/subscribers?limit=1',
};

/** Every route silos/README.md promises, as `METHOD /path` with OpenAPI path templates. */
const COMMON_ROUTES = ['GET /health', 'GET /openapi.json', 'GET /_stats', 'POST /_chaos'];
const ROUTES: Record<SiloName, string[]> = {
  accounting: ['GET /accounts', 'POST /accounts/batch', 'GET /accounts/search', 'GET /accounts/{accountNumber}'],
  sales: ['GET /contacts', 'POST /contacts/batch', 'GET /contacts/search'],
  credit: ['GET /profiles', 'POST /profiles/lookup', 'GET /profiles/search'],
  support: ['GET /requesters', 'POST /requesters/batch', 'GET /requesters/search'],
  marketing: ['GET /subscribers', 'POST /subscribers/batch', 'GET /subscribers/search'],
};

interface OpenApi {
  openapi: string;
  info: { title: string; description: string };
  paths: Record<string, Record<string, { summary?: string; responses: Record<string, unknown> }>>;
}

let silos: RunningSilos;
beforeAll(async () => {
  silos = await startOnFreePorts(generateWorld({ seed: 40, scale: 60, with: ['marketing'] }), ALL_SILO_NAMES);
});
afterAll(() => silos.close());

describe.each(ALL_SILO_NAMES.map((name) => [name]))('the %s silo', (name) => {
  const url = () => silos.urls[name];
  const requests = async () => (await getJson<{ requests: number }>(`${url()}/_stats`)).body.requests;

  it('reports itself healthy', async () => {
    expect(await getJson(`${url()}/health`)).toEqual({ status: 200, body: { status: 'ok', system: name } });
  });

  it('counts API requests, bad ones included, but not /_stats or /_chaos', async () => {
    const before = await requests();
    await getJson(`${url()}${API_READ[name]}`);
    await getJson(`${url()}/health`);
    await getJson(`${url()}${API_READ[name].replace('=1', '=0')}`); // a 400
    await postJson(`${url()}/_chaos`, {});
    expect(await requests()).toBe(before + 3);
    expect(await requests()).toBe(before + 3);
  });

  it('fails every API request with 503 under failRate 1, but still serves /_stats, and {} resets', async () => {
    expect((await postJson(`${url()}/_chaos`, { failRate: 1 })).body).toEqual({
      latencyMs: 0,
      failRate: 1,
      hang: false,
    });
    try {
      const failed = await getJson<ErrorAnswer>(`${url()}${API_READ[name]}`);
      expect(failed.status).toBe(503);
      expect(failed.body.error.code).toBe('UNAVAILABLE');
      expect((await getJson(`${url()}/_stats`)).status).toBe(200);
    } finally {
      expect((await postJson(`${url()}/_chaos`, {})).body).toEqual({ latencyMs: 0, failRate: 0, hang: false });
    }
    expect((await getJson(`${url()}${API_READ[name]}`)).status).toBe(200);
  });

  it('delays API requests by the chaos latency, and says so in x-silo-delay-ms', async () => {
    const latencyMs = 120;
    await postJson(`${url()}/_chaos`, { latencyMs });
    try {
      const response = await fetch(`${url()}${API_READ[name]}`);
      expect(response.status).toBe(200);
      expect(Number(response.headers.get('x-silo-delay-ms'))).toBeGreaterThanOrEqual(latencyMs);
    } finally {
      await postJson(`${url()}/_chaos`, {});
    }
  });

  it('holds every API request under hang, and answers it under the settings that lift the hang', async () => {
    const before = await requests();
    expect((await postJson(`${url()}/_chaos`, { hang: true })).body).toEqual({ latencyMs: 0, failRate: 0, hang: true });
    let held: Promise<Response> | undefined;
    try {
      held = fetch(`${url()}${API_READ[name]}`);
      // Counted on arrival: once /_stats shows it, the request has met the hang (or, without one, its answer).
      for (let i = 0; i < 200 && (await requests()) === before; i += 1);
      expect(await requests()).toBe(before + 1);
      expect((await getJson(`${url()}/_stats`)).status).toBe(200);
    } finally {
      // Lifting the hang with failRate 1: a held request is answered 503; one that was not held got its 200.
      await postJson(`${url()}/_chaos`, { failRate: 1 });
    }
    try {
      expect((await held).status).toBe(503);
    } finally {
      await postJson(`${url()}/_chaos`, {});
    }
    expect((await getJson(`${url()}${API_READ[name]}`)).status).toBe(200);
  });

  it.each([
    [{ failRate: 1.5 }],
    [{ failRate: -0.1 }],
    [{ latencyMs: -1 }],
    [{ latencyMs: 'slow' }],
    [{ hang: 'yes' }],
    [{ failrate: 1 }],
  ])('refuses chaos settings %j with 400', async (settings) => {
    const { status, body } = await postJson<ErrorAnswer>(`${url()}/_chaos`, settings);
    expect(status).toBe(400);
    expect(body.error.code).toBe('BAD_REQUEST');
  });

  it('answers an unknown route with a 404 in the error envelope', async () => {
    const { status, body } = await getJson<ErrorAnswer>(`${url()}/nothing-here`);
    expect(status).toBe(404);
    expect(body.error).toEqual({ code: 'NOT_FOUND', message: expect.stringContaining('/nothing-here') });
  });

  it('serves an OpenAPI 3 document that lists every route, each with a summary and a 200 answer', async () => {
    const { body } = await getJson<OpenApi>(`${url()}/openapi.json`);
    expect(body.openapi).toMatch(/^3\./);
    expect(body.info.title).toEqual(expect.any(String));
    expect(body.info.description).toEqual(expect.any(String));
    const operations = Object.entries(body.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, operation]) => ({ route: `${method.toUpperCase()} ${path}`, operation })),
    );
    expect(operations.map((o) => o.route).sort()).toEqual([...COMMON_ROUTES, ...ROUTES[name]].sort());
    for (const { operation } of operations) {
      expect(operation.summary).toEqual(expect.any(String));
      expect(operation.responses['200']).toBeDefined();
    }
  });
});

describe('base latency', () => {
  it('delays every API request of silos started with latencyMs', async () => {
    const slow = await startOnFreePorts(generateWorld({ seed: 41, scale: 20 }), ['credit'], 80);
    try {
      const response = await fetch(`${slow.urls.credit}/profiles?limit=1`);
      expect(response.status).toBe(200);
      expect(Number(response.headers.get('x-silo-delay-ms'))).toBe(80);
      // The control routes are never delayed.
      expect((await fetch(`${slow.urls.credit}/_stats`)).headers.get('x-silo-delay-ms')).toBeNull();
    } finally {
      await slow.close();
    }
  });
});
