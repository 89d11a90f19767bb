import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError, enabledConnectorNames, loadConfig } from '../../config';

describe('loadConfig', () => {
  it('gives the documented defaults when nothing is set', () => {
    const config = loadConfig({ env: {} });
    expect(config.server).toEqual({ host: 'localhost', port: 4000 });
    expect(config.mongodb.uri).toBeNull();
    expect(Object.fromEntries(Object.entries(config.connectors).map(([n, c]) => [n, c.url]))).toEqual({
      accounting: 'http://127.0.0.1:4101',
      sales: 'http://127.0.0.1:4102',
      credit: 'http://127.0.0.1:4103',
      support: 'http://127.0.0.1:4104',
      marketing: 'http://127.0.0.1:4105',
    });
    // Marketing ships declared but off: npm start runs the four.
    expect(enabledConnectorNames(config)).toEqual(['accounting', 'sales', 'credit', 'support']);
    expect(config.connectors.sales.timeoutMs).toBe(2000);
  });

  it('takes PORT, MONGODB_URI and one URL variable per connector from the environment', () => {
    const config = loadConfig({
      env: {
        PORT: '4400',
        MONGODB_URI: 'mongodb://db.internal:27017',
        SALES_URL: 'http://crm.internal:8080',
        CREDIT_TIMEOUT_MS: '500',
      },
    });
    expect(config.server.port).toBe(4400);
    expect(config.mongodb.uri).toBe('mongodb://db.internal:27017');
    expect(config.connectors.sales.url).toBe('http://crm.internal:8080');
    expect(config.connectors.credit.timeoutMs).toBe(500);
  });

  it('reads a JSON config file and lets the environment override it', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sb-config-'));
    const file = path.join(dir, 'switchboard.json');
    writeFileSync(
      file,
      JSON.stringify({
        server: { port: 5000 },
        connectors: { support: { url: 'http://helpdesk:9000', timeoutMs: 900 } },
      }),
    );
    const config = loadConfig({ env: { SWITCHBOARD_CONFIG: file, SUPPORT_URL: 'http://helpdesk:9001' } });
    expect(config.server.port).toBe(5000);
    expect(config.connectors.support).toMatchObject({ url: 'http://helpdesk:9001', timeoutMs: 900 });
  });

  it('enables only the connectors SWITCHBOARD_CONNECTORS lists', () => {
    const config = loadConfig({ env: { SWITCHBOARD_CONNECTORS: 'sales, support' } });
    expect(enabledConnectorNames(config)).toEqual(['sales', 'support']);
  });

  it.each([
    [{ PORT: 'abc' }, 'Invalid environment variable PORT: expected a number, found "abc"'],
    [{ SALES_URL: 'ftp://crm' }, 'Invalid config: connectors.sales.url: expected an http(s) URL'],
    [{ MONGODB_URI: 'postgres://db' }, 'Invalid config: mongodb.uri: expected a mongodb:// or mongodb+srv:// URI'],
    [
      { SWITCHBOARD_CONNECTORS: 'sales,hr' },
      'unknown connector "hr" (configured: accounting, sales, credit, support, marketing)',
    ],
    [
      { SWITCHBOARD_DEMO: 'maybe' },
      'Invalid environment variable SWITCHBOARD_DEMO: expected true or false, found "maybe"',
    ],
  ])('stops with an error naming the field for %j', (env, message) => {
    expect(() => loadConfig({ env })).toThrow(ConfigError);
    expect(() => loadConfig({ env })).toThrow(message);
  });

  it('names every bad field at once', () => {
    const attempt = () =>
      loadConfig({
        env: {},
        overrides: { server: { port: 70000 }, connectors: { credit: { url: 'http://x', timeoutMs: -1 } } },
      });
    expect(attempt).toThrow(/server\.port: .*; connectors\.credit\.timeoutMs: /);
  });

  it('gives store calls a request deadline of 2 s and each batch operation one of 60 s, and refuses a zero one', () => {
    const config = loadConfig({ env: {} });
    expect(config.mongodb).toMatchObject({ operationTimeoutMs: 2000, batchOperationTimeoutMs: 60000 });
    expect(() => loadConfig({ env: {}, overrides: { mongodb: { operationTimeoutMs: 0 } } })).toThrow(
      /mongodb\.operationTimeoutMs: /,
    );
    expect(() => loadConfig({ env: {}, overrides: { mongodb: { batchOperationTimeoutMs: 1_000_000 } } })).toThrow(
      /mongodb\.batchOperationTimeoutMs: /,
    );
  });

  it('runs the embedded store in a process of its own by default, and names the key that replaced embeddedThread', () => {
    expect(loadConfig({ env: {} }).mongodb.embeddedIn).toBe('process');
    expect(loadConfig({ env: {}, overrides: { mongodb: { embeddedIn: 'thread' } } }).mongodb.embeddedIn).toBe('thread');
    expect(() => loadConfig({ env: {}, overrides: { mongodb: { embeddedIn: 'elsewhere' } } as never })).toThrow(
      /mongodb\.embeddedIn: /,
    );
    expect(() => loadConfig({ env: {}, overrides: { mongodb: { embeddedThread: true } } as never })).toThrow(
      'mongodb.embeddedThread is replaced by mongodb.embeddedIn: "process" (the default), "thread" or "inline"',
    );
  });

  it('rejects unknown keys instead of ignoring a typo', () => {
    expect(() => loadConfig({ env: {}, overrides: { server: { prot: 1 } } as never })).toThrow(
      /server: Unrecognized key: "prot"/,
    );
  });

  it('says which config file it cannot read', () => {
    expect(() => loadConfig({ env: { SWITCHBOARD_CONFIG: '/nonexistent/sb.json' } })).toThrow(
      'Cannot read config file /nonexistent/sb.json',
    );
  });

  it("gives graphql-armor's default budgets (cost loosened for 500-customer pages) and takes the rate limit from the environment", () => {
    const config = loadConfig({ env: { SWITCHBOARD_RATE_LIMIT: '0', SWITCHBOARD_MAX_DEPTH: '8' } });
    expect(config.limits).toMatchObject({ tokens: 1000, depth: 8, aliases: 15, directives: 50, cost: 25000 });
    expect(config.limits.documentCharacters).toBe(15000);
    expect(config.limits.rate).toEqual({ requestsPerMinute: 0, refreshesPerMinute: 10 });
  });

  it('refuses a header timeout longer than the request timeout, naming the field', () => {
    expect(() =>
      loadConfig({ env: {}, overrides: { limits: { http: { headersTimeoutMs: 60_000, requestTimeoutMs: 30_000 } } } }),
    ).toThrow(
      'Invalid config: limits.http.headersTimeoutMs: expected http.headersTimeoutMs to be at most http.requestTimeoutMs',
    );
  });
});
