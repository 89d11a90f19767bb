import { DEMO_PRINCIPAL } from '../../schema/principal';
import { graphql, type ExecutionResult, type GraphQLError } from 'graphql';
import { connectorConfigSchema, type ConnectorConfig } from '../../config';
import type { Connector, ConnectorFactory } from '../../connectors';
import { bareRuntime, FreshnessLog, type RequestContext } from '../../gateway/runtime';
import { generateWorld, SILO_NAMES, startSilos, type OptionalSiloName, type World } from '../../silos';
import { undocumentedElements } from './connector-schema';
import { closedPortUrl, siloRequestCount, withChaos } from './connector-silo';

/** The world every connector suite runs against: small, and the same in every run. */
const WORLD = { scale: 200, seed: 7 } as const;

/** What `defineConnectorSuite` needs to know about one connector. */
export interface ConnectorSuiteOptions {
  /** The connector under test; its `name` is also its silo's name. */
  factory: ConnectorFactory;
  /** Every customer key of this connector's silo, from the generated world's ground truth. */
  keysOf(world: World): string[];
  /** The profile field that echoes the key (e.g. `accountNumber`). */
  keyField: string;
  /** A well-formed key the silo does not know. */
  unknownKey: string;
  /** Optional silos to start besides the four, their records generated too (a connector of `marketing` needs it). */
  withSilos?: readonly OptionalSiloName[];
}

/** What the suite hands to a connector's own tests, ready once `beforeAll` has run. */
export interface ConnectorHarness {
  readonly world: World;
  /** Base URL of this connector's running silo. */
  readonly url: string;
  /** The connector under test, configured against the running silo. */
  readonly connector: Connector;
  /** A connector from the same factory with other settings (e.g. a short `timeoutMs`). */
  create(overrides?: Partial<ConnectorConfig>): Connector;
  /** Executes `source` against a connector's own schema, with a fresh request scope. */
  execute(source: string, variables?: Record<string, unknown>, connector?: Connector): Promise<ExecutionResult>;
  /**
   * The department field (e.g. `customer.sales`) for each key, selecting `selection`.
   * Fails the test if the answer carries errors.
   */
  profiles<T = Record<string, unknown>>(keys: Array<string | null>, selection: string): Promise<Array<T | null>>;
}

/**
 * The connector contract, as tests: one call per connector, against real silos over HTTP.
 * Like Apollo's `defineIntegrationTestSuite`, it registers its own `beforeAll`/`afterAll` and a
 * `describe` block, and returns a harness for the connector's own tests in the same file.
 *
 * @example
 * const suite = defineConnectorSuite({ factory: salesConnector, keysOf: (w) => w.sales.map((c) => c.id), keyField: 'contactId', unknownKey: 'c-00000000' });
 * it('maps orders', async () => { const [profile] = await suite.profiles([suite.world.sales[0]!.id], '{ orders { id } }'); });
 */
export function defineConnectorSuite(options: ConnectorSuiteOptions): ConnectorHarness {
  const { factory, keyField, unknownKey } = options;
  const name = factory.name;
  let silos: Awaited<ReturnType<typeof startSilos>> | undefined;
  let state: { world: World; url: string; connector: Connector } | undefined;
  const ready = () => {
    if (!state) throw new TypeError('The connector suite is not started: use the harness inside a test');
    return state;
  };

  const harness: ConnectorHarness = {
    get world() {
      return ready().world;
    },
    get url() {
      return ready().url;
    },
    get connector() {
      return ready().connector;
    },
    create: (overrides = {}) =>
      factory.create(connectorConfigSchema.parse({ url: ready().url, ...overrides }), bareRuntime()),
    async execute(source, variables, connector = ready().connector) {
      const contextValue: RequestContext = {
        requestId: 't',
        principal: DEMO_PRINCIPAL,
        freshness: new FreshnessLog(),
        scopes: new Map([[name, connector.createRequestScope()]]),
      };
      return graphql({ schema: connector.schema, source, variableValues: variables, contextValue });
    },
    async profiles<T>(keys: Array<string | null>, selection: string) {
      const result = await harness.execute(mergeQuery(ready().connector, selection), { keys });
      expect(result.errors).toBeUndefined();
      return customersOf(result, ready().connector).map((customer) => (customer?.[name] ?? null) as T | null);
    },
  };

  const optional = options.withSilos ?? [];
  beforeAll(async () => {
    silos = await startSilos({
      ...WORLD,
      only: [...SILO_NAMES, ...optional],
      ports: Object.fromEntries([...SILO_NAMES, ...optional].map((silo) => [silo, 0])),
    });
    const url = silos.urls[name as keyof typeof silos.urls];
    if (!url) throw new TypeError(`No silo named "${name}" was started`);
    state = {
      world: generateWorld({ ...WORLD, with: optional }),
      url,
      connector: factory.create(connectorConfigSchema.parse({ url }), bareRuntime()),
    };
  });
  afterAll(async () => {
    await silos?.close();
  });

  describe(`the ${name} connector contract`, () => {
    it(`contributes Customer.${name} and a ${name} merge field taking keys`, () => {
      const { connector } = harness;
      expect(connector.name).toBe(name);
      expect(connector.schema.getType('Customer')?.toString()).toBe('Customer');
      expect(Object.keys(connector.schema.getQueryType()?.getFields() ?? {})).toEqual([connector.mergeFieldName]);
      const mergeField = connector.schema.getQueryType()!.getFields()[connector.mergeFieldName];
      expect(mergeField.args.map((arg) => `${arg.name}: ${String(arg.type)}`)).toEqual(['keys: [String]!']);
    });

    it('resolves keys in key order, with null for unknown and null keys', async () => {
      const known = options.keysOf(harness.world);
      const keys = [known[3], unknownKey, null, known[0], known[1]];
      const profiles = await harness.profiles<Record<string, string>>(keys, `{ ${keyField} }`);
      expect(profiles.map((profile) => profile?.[keyField] ?? null)).toEqual([
        known[3],
        null,
        null,
        known[0],
        known[1],
      ]);
    });

    it('makes exactly one upstream request for 50 keys', async () => {
      const keys = options.keysOf(harness.world).slice(0, 50);
      expect(keys).toHaveLength(50);
      const before = await siloRequestCount(harness.url);
      const profiles = await harness.profiles(keys, `{ ${keyField} }`);
      const after = await siloRequestCount(harness.url);
      expect(profiles.filter((profile) => profile !== null)).toHaveLength(50);
      expect(after - before).toBe(1);
    });

    it('answers UPSTREAM_UNAVAILABLE naming the connector when its silo fails', async () => {
      const keys = options.keysOf(harness.world).slice(0, 2);
      const result = await withChaos(harness.url, { failRate: 1 }, () =>
        harness.execute(mergeQuery(harness.connector, `{ ${keyField} }`), { keys }),
      );
      expect(customersOf(result, harness.connector)).toEqual([{ [name]: null }, { [name]: null }]);
      expect(errorSummaries(result.errors)).toEqual([
        { code: 'UPSTREAM_UNAVAILABLE', connector: name, path: [harness.connector.mergeFieldName, 0, name] },
        { code: 'UPSTREAM_UNAVAILABLE', connector: name, path: [harness.connector.mergeFieldName, 1, name] },
      ]);
    });

    it('answers UPSTREAM_TIMEOUT when its silo does not answer within timeoutMs', async () => {
      const impatient = harness.create({ timeoutMs: 200 });
      const keys = options.keysOf(harness.world).slice(0, 1);
      // A silo that never answers (until withChaos resets it): the only clock is the connector's timeout.
      const result = await withChaos(harness.url, { hang: true }, () =>
        harness.execute(mergeQuery(impatient, `{ ${keyField} }`), { keys }, impatient),
      );
      expect(customersOf(result, impatient)).toEqual([{ [name]: null }]);
      expect(errorSummaries(result.errors)).toEqual([
        { code: 'UPSTREAM_TIMEOUT', connector: name, path: [impatient.mergeFieldName, 0, name] },
      ]);
    });

    it("walks every record of its silo's directory exactly once", async () => {
      const pageSize = 37;
      const keys: string[] = [];
      for await (const page of harness.connector.directory(pageSize)) {
        expect(page.length).toBeLessThanOrEqual(pageSize);
        for (const entry of page) {
          expect(entry).toEqual({
            key: expect.any(String),
            name: expect.any(String),
            emails: expect.any(Array),
            phones: expect.any(Array),
            taxNumbers: expect.any(Array),
          });
          keys.push(entry.key);
        }
      }
      const expected = options.keysOf(harness.world);
      expect(keys).toHaveLength(expected.length);
      expect([...keys].sort()).toEqual([...expected].sort());
    });

    it('reports healthy while its silo is up', async () => {
      await expect(harness.connector.health()).resolves.toEqual({ ok: true });
    });

    it('reports unhealthy, without throwing, when nothing listens on its port', async () => {
      const offline = factory.create(connectorConfigSchema.parse({ url: await closedPortUrl() }), bareRuntime());
      await expect(offline.health()).resolves.toMatchObject({ ok: false, detail: expect.any(String) });
    });

    it('describes every type, field, argument and enum value in its schema', () => {
      expect(undocumentedElements(harness.connector.schema, [harness.connector.mergeFieldName])).toEqual([]);
    });
  });

  return harness;
}

/** The merge query selecting `selection` on the department field for `$keys`. */
export function mergeQuery(connector: Connector, selection: string): string {
  return /* GraphQL */ `query ($keys: [String]!) { ${connector.mergeFieldName}(keys: $keys) { ${connector.name} ${selection} } }`;
}

/** The merge field's list of customers in `result`. */
function customersOf(result: ExecutionResult, connector: Connector): Array<Record<string, unknown> | null> {
  const customers = result.data?.[connector.mergeFieldName];
  if (!Array.isArray(customers))
    throw new TypeError(`Expected data.${connector.mergeFieldName} to be a list, found ${JSON.stringify(result)}`);
  return customers as Array<Record<string, unknown> | null>;
}

/** What a client relies on in each error: its code, connector and path. */
export function errorSummaries(errors: readonly GraphQLError[] | undefined) {
  return (errors ?? [])
    .map((error) => ({ code: error.extensions.code, connector: error.extensions.connector, path: error.path }))
    .sort((a, b) => JSON.stringify(a.path).localeCompare(JSON.stringify(b.path)));
}
