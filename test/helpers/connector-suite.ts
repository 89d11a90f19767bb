import type { ExecutionResult } from 'graphql';
import { connectorConfigSchema, type ConnectorConfig } from '../../config';
import type { Connector, ConnectorFactory } from '../../connectors';
import { runContractChecks, CONTRACT_CHECK_NAMES, type ContractCheckResult } from '../../connectors/kit/testing';
import { departmentsOf, executeOn, mergeQuery } from '../../connectors/kit/contract-checks/probe';
import { bareRuntime } from '../../gateway/runtime';
import { generateWorld, SILO_NAMES, startSilos, type OptionalSiloName, type World } from '../../silos';

export { mergeQuery, errorSummaries } from '../../connectors/kit/contract-checks/probe';

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
  /** Optional silos to start besides the four, their records generated too (a connector of `marketing` needs it). */
  withSilos?: readonly OptionalSiloName[];
  /** A well-formed key the silo does not know. */
  unknownKey: string;
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
 * The connector contract, as tests: the shipped kit's checks (connectors/kit/testing), one
 * test per check, against real silos over HTTP. Like Apollo's `defineIntegrationTestSuite`, it
 * registers its own `beforeAll`/`afterAll` and a `describe` block, and returns a harness for
 * the connector's own tests in the same file.
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
    execute: (source, variables, connector = ready().connector) => executeOn(connector, source, variables),
    async profiles<T>(keys: Array<string | null>, selection: string) {
      const result = await harness.execute(mergeQuery(ready().connector, selection), { keys });
      expect(result.errors).toBeUndefined();
      return departmentsOf(result, ready().connector) as Array<T | null>;
    },
  };

  beforeAll(async () => {
    const optional = options.withSilos ?? [];
    silos = await startSilos({
      ...WORLD,
      only: [...SILO_NAMES, ...optional],
      ports: Object.fromEntries([...SILO_NAMES, ...optional].map((silo) => [silo, 0])),
    });
    const url = silos.urls[name as keyof typeof silos.urls];
    if (!url) throw new TypeError(`No silo named "${name}" was started`);
    state = {
      world: generateWorld({ ...WORLD, with: options.withSilos ?? [] }),
      url,
      connector: factory.create(connectorConfigSchema.parse({ url }), bareRuntime()),
    };
  });
  afterAll(async () => {
    await silos?.close();
  });

  describe(`the ${name} connector contract`, () => {
    let results: ContractCheckResult[] = [];
    beforeAll(async () => {
      const keys = options.keysOf(harness.world);
      results = await runContractChecks({
        factory,
        config: { url: harness.url },
        keys: { known: keys.slice(0, 50), unknown: unknownKey },
        keyField,
        // The whole directory, held against the generated world's own list of keys.
        directory: { pageSize: 37, maxPages: 1_000, expectedKeys: keys },
        timeoutMs: 200,
      });
    });

    it.each(CONTRACT_CHECK_NAMES)('%s', (check) => {
      const result = results.find((candidate) => candidate.name === check);
      // The whole result, so a failure shows the check's own account of what it found.
      expect(result).toEqual({ name: check, ok: true, detail: expect.any(String) });
    });
  });

  return harness;
}
