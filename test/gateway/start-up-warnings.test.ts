import { getHeapStatistics } from 'node:v8';
import { loadConfig, type SwitchboardConfigInput } from '../../config';
import { startHub, type Hub } from '../../gateway';
import { startSilos, type RunningSilos } from '../../silos';
import { recordingLogger } from '../helpers/recording-logger';
import { useTestStore } from '../helpers/test-store';

const MB = 1_048_576;

describe('what the hub warns of in the configuration it is given, at start and on a reload', () => {
  const store = useTestStore('startwarn');
  let silos: RunningSilos;
  let hub: Hub | null = null;

  beforeAll(async () => {
    silos = await startSilos({ seed: 3, scale: 40, ports: { accounting: 0, sales: 0, credit: 0, support: 0 } });
  });
  afterEach(async () => {
    await hub?.close();
    hub = null;
  });
  afterAll(() => silos.close());

  /** The configuration of a hub on the test's store (by its connection string), over the silos. */
  const configOf = (overrides: Partial<SwitchboardConfigInput>, uri = store.connection.uri, only?: string[]) =>
    loadConfig({
      env: {},
      overrides: {
        server: { host: '127.0.0.1', port: 0 },
        mongodb: { uri, database: store.db.databaseName },
        demo: { enabled: false },
        identity: { syncOnStart: 'never' },
        connectors: Object.fromEntries(
          Object.entries(silos.urls).map(([name, url]) => [name, { url, enabled: !only || only.includes(name) }]),
        ),
        ...overrides,
      },
    });
  const warningsOf = (lines: readonly string[]) =>
    lines.filter((line) => line.startsWith('warn: ')).map((line) => line.slice('warn: '.length));
  /** Starts a hub and returns what it warned of. */
  const start = async (overrides: Partial<SwitchboardConfigInput>, uri = store.connection.uri) => {
    const log = recordingLogger();
    hub = await startHub(configOf(overrides, uri), { logger: log.logger });
    return warningsOf(log.lines);
  };
  // Bounds small enough to fit any heap node runs with, so only the bound under test can warn.
  const small = { cache: { memoryBytes: MB, responses: { maxBytes: MB } }, identity: { memoryBytes: MB } };

  it("warns when the caches' bounds could take more than half the heap", async () => {
    // Per connector, the whole heap this test runs in: four of them cannot fit.
    const warnings = await start({ cache: { memoryBytes: getHeapStatistics().heap_size_limit } });
    expect(warnings.filter((w) => w.startsWith('Memory:'))).toEqual([
      expect.stringContaining('cache.memoryBytes x 4 connectors'),
    ]);
  });

  it('warns of a connection string that prefers secondaries, and of nothing with small bounds on the primary', async () => {
    expect(await start(small)).toEqual([]);
    await hub?.close();
    const uri = `${store.connection.uri}${store.connection.uri.includes('?') ? '&' : '?'}readPreference=secondary`;
    expect(await start(small, uri)).toEqual([
      expect.stringContaining('asks to read from secondary; the hub reads from the primary'),
    ]);
  });

  it('warns on a reload whose connectors bring the memory layers past half the heap', async () => {
    // Two connectors' layers at a fifth of the heap each fit; four do not.
    const overrides = { cache: { memoryBytes: Math.floor(getHeapStatistics().heap_size_limit / 5) } };
    const log = recordingLogger();
    let next = configOf(overrides, store.connection.uri, ['accounting', 'sales']);
    hub = await startHub(next, { logger: log.logger, reloadConfig: () => next });
    // (Without credit, the shipped saved queries that filter on it are not stored: warned too.)
    expect(warningsOf(log.lines).filter((w) => w.includes('Memory:'))).toEqual([]);
    next = configOf(overrides);
    expect(await hub.reload()).toMatchObject({ ok: true, added: ['credit', 'support'] });
    expect(warningsOf(log.lines).filter((w) => w.startsWith('Reload: Memory:'))).toEqual([
      expect.stringContaining('cache.memoryBytes x 4 connectors'),
    ]);
  });
});
