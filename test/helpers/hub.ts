import { loadConfig, type ConnectorConfig, type SwitchboardConfigInput } from '../../config';
import { setChaos, siloRequestCount, type Chaos } from './connector-silo';
import { startHub, silentLogger, type Hub, type HubLogger } from '../../gateway';
import { SILO_NAMES, startSilos, type OptionalSiloName, type RunningSilos } from '../../silos';
import type { ConnectorFactory } from '../../connectors';

/** A GraphQL response as a client sees it. */
export interface GraphQLResponse<T = Record<string, unknown>> {
  data?: T | null;
  errors?: Array<{ message: string; path?: Array<string | number>; extensions?: Record<string, unknown> }>;
  extensions?: Record<string, unknown>;
}

/** Real demo systems and a real hub over HTTP, for end-to-end tests. */
export interface TestHub {
  hub: Hub;
  silos: RunningSilos;
  /** POSTs a GraphQL document with these headers (e.g. `authorization`), for the whole HTTP response. */
  post(document: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<Response>;
  /** POSTs a GraphQL document to the hub, as a client would. */
  query<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<T>>;
  /** Requests each system has served since start, from its own `/_stats`. */
  siloRequests(): Promise<Record<string, number>>;
  /** Sets chaos on one system (`{}` resets). */
  chaos(system: string, settings: Chaos): Promise<void>;
  /** What the configuration says from the next `hub.reload()` on (each call replaces the last). */
  reconfigure(change: TestHubReconfiguration): void;
  close(): Promise<void>;
}

/** A change to a test hub's configuration, read by its next reload. */
export interface TestHubReconfiguration {
  /** Per-connector settings over the ones the hub started with (e.g. `{ credit: { enabled: true } }`). */
  connectors?: Record<string, Partial<ConnectorConfig>>;
  /** The access policy file (`auth.policyFile`). */
  policyFile?: string;
}

/** Options for a test hub. */
export interface TestHubOptions {
  /** Configure the hub as `npm start` does, in demo mode (default false). */
  demo?: boolean;
  /** Where the console's bundle is (default: the hub's, `dist/console`). */
  consoleAssets?: string;
  scale?: number;
  seed?: number;
  /** Per-connector settings on top of the systems' URLs (e.g. a short `timeoutMs`). */
  connectors?: Record<string, Partial<Omit<ConnectorConfig, 'url'>>>;
  /**
   * Connectors pointed somewhere else than their demo system (e.g. at a misbehaving one standing
   * in front of it), given the running systems; called before the hub starts.
   */
  urls?: (silos: RunningSilos) => Partial<Record<string, string>>;
  /** The clock the hub judges freshness by. */
  now?: () => Date;
  /** When the hub syncs identities by itself at start-up (default `always`; `never` leaves it to the test). */
  syncOnStart?: 'always' | 'auto' | 'never';
  /** Only these systems' connectors are enabled (default: all four); the others are configured, switched off. */
  only?: readonly string[];
  /** Where the hub logs (default: nowhere). */
  logger?: HubLogger;
  /** Optional silos to start too (their records generated into the world), each connected as the connector of its name. */
  withSilos?: readonly OptionalSiloName[];
  /** The connector factories the hub installs (default: each configured connector, found as configured). */
  connectorFactories?: readonly ConnectorFactory[];
  /** Keep department data in the repository (default true). */
  cache?: boolean;
  /** Fresh records each connector keeps in memory (default: the configured default). */
  memoryEntries?: number;
  /** How long write-backs wait for each other before going to the repository (default: the configured default). */
  writeDelayMs?: number;
  /** The response cache's settings (default: the configured defaults; `maxEntries: 0` turns it off). */
  responseCache?: { maxEntries?: number; maxBytes?: number; maxAgeSeconds?: number };
  /** Customers per snapshot batch (default the config's). */
  snapshotBatchSize?: number;
  /** Production mode (default false): limits keep their numbers to themselves; needs `auth`. */
  production?: boolean;
  /** Authentication settings (default: none, so the hub runs in demo mode). */
  auth?: SwitchboardConfigInput['auth'];
  /** Budgets against hostile input (default: the configured defaults). */
  limits?: SwitchboardConfigInput['limits'];
  /** Store settings over the in-memory embedded default (e.g. a `uri` through a proxy, short deadlines). */
  mongodb?: SwitchboardConfigInput['mongodb'];
}

/** Starts demo systems on free ports and a hub in front of them, with an in-memory store. */
export async function startTestHub(options: TestHubOptions = {}): Promise<TestHub> {
  const silos = await startSilos({
    seed: options.seed ?? 7,
    scale: options.scale ?? 300,
    only: [...SILO_NAMES, ...(options.withSilos ?? [])],
    ports: Object.fromEntries([...SILO_NAMES, ...(options.withSilos ?? [])].map((silo) => [silo, 0])),
  });
  const urls: Record<string, string> = { ...silos.urls, ...options.urls?.(silos) };
  const connectors: Record<string, Partial<ConnectorConfig> & { url: string }> = Object.fromEntries(
    Object.entries(urls).map(([name, url]) => [
      name,
      {
        url,
        // A system the test started is one it wants connected (marketing is off in the defaults).
        enabled: !options.only || options.only.includes(name),
        ...options.connectors?.[name],
      },
    ]),
  );
  let reconfiguration: TestHubReconfiguration = {};
  const configure = (change: TestHubReconfiguration) =>
    loadConfig({
      env: {},
      overrides: configInput(
        Object.fromEntries(
          Object.entries(connectors).map(([name, settings]) => [name, { ...settings, ...change.connectors?.[name] }]),
        ),
        change.policyFile,
      ),
    });
  const configInput = (
    connectors: Record<string, Partial<ConnectorConfig> & { url: string }>,
    policyFile: string | undefined,
  ): Partial<SwitchboardConfigInput> => ({
    server: { host: '127.0.0.1', port: 0 },
    // In-process store: starting a ts-node worker thread per test hub would only slow the suite;
    // test/store runs the driver suite against the threaded server.
    mongodb: { memory: true, embeddedIn: 'inline', ...options.mongodb },
    // A demo hub only marks itself so (the CLI, not startHub, starts the demo systems).
    demo: { enabled: options.demo ?? false },
    identity: { syncOnStart: options.syncOnStart ?? 'always' },
    cache: {
      enabled: options.cache ?? true,
      ...(options.memoryEntries === undefined ? {} : { memoryEntries: options.memoryEntries }),
      ...(options.writeDelayMs === undefined ? {} : { writeDelayMs: options.writeDelayMs }),
      ...(options.responseCache === undefined ? {} : { responses: options.responseCache }),
    },
    ...(options.snapshotBatchSize ? { snapshot: { batchSize: options.snapshotBatchSize } } : {}),
    ...(options.auth || policyFile ? { auth: { ...options.auth, ...(policyFile ? { policyFile } : {}) } } : {}),
    ...(options.production ? { production: true } : {}),
    // No load shedding unless a test asks: a suite's own synchronous work (a schema build, a
    // sync) stalls the shared event loop, and the next request would be refused for it.
    limits: { shedding: { maxEventLoopDelayMs: 0 }, ...options.limits },
    connectors,
  });
  const config = configure({});
  let hub: Hub;
  try {
    hub = await startHub(config, {
      logger: options.logger ?? silentLogger,
      now: options.now,
      reloadConfig: () => configure(reconfiguration),
      connectorFactories: options.connectorFactories,
      consoleAssets: options.consoleAssets,
    });
  } catch (error) {
    await silos.close();
    throw error;
  }

  const post = (document: string, variables?: Record<string, unknown>, headers: Record<string, string> = {}) =>
    fetch(hub.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query: document, variables }),
    });
  const query = async <T>(document: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<T>> =>
    (await (await post(document, variables)).json()) as GraphQLResponse<T>;

  return {
    hub,
    silos,
    query,
    post,
    async siloRequests() {
      const entries = await Promise.all(
        Object.entries(silos.urls).map(async ([name, url]) => [name, await siloRequestCount(url)] as const),
      );
      return Object.fromEntries(entries);
    },
    chaos: (system, settings) => setChaos(silos.urls[system as keyof typeof silos.urls], settings),
    reconfigure(change) {
      reconfiguration = change;
    },
    async close() {
      await hub.close();
      await silos.close();
    },
  };
}

/** The difference between two request counts, per system. */
export function requestsBetween(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.keys(after).map((name) => [name, after[name] - (before[name] ?? 0)]));
}
