import { getHeapStatistics } from 'node:v8';
import { loadConfig } from '../../../config';
import { startHub, type Hub, type HubLogger } from '../../../gateway';
import { startSilos, type RunningSilos } from '../../../silos';

/** A logger that keeps every warning, for assertions on what start-up said. */
function recordingLogger(): HubLogger & { warnings: string[] } {
  const warnings: string[] = [];
  return { warnings, info: () => undefined, warn: (m) => warnings.push(m), error: (m) => warnings.push(m) };
}

describe("start-up weighs the caches' bounds against the heap", () => {
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

  const start = async (memoryBytes?: number) => {
    const logger = recordingLogger();
    const config = loadConfig({
      env: {},
      overrides: {
        server: { host: '127.0.0.1', port: 0 },
        mongodb: { memory: true, embeddedIn: 'inline' },
        demo: { enabled: false },
        identity: { syncOnStart: 'never' },
        ...(memoryBytes === undefined ? {} : { cache: { memoryBytes } }),
        connectors: Object.fromEntries(Object.entries(silos.urls).map(([name, url]) => [name, { url }])),
      },
    });
    hub = await startHub(config, { logger });
    return logger.warnings.filter((warning) => warning.startsWith('Memory:'));
  };

  it('warns when the memory layers alone could take the whole heap', async () => {
    // Per connector, the whole heap this test runs in: four of them cannot fit.
    const warnings = await start(getHeapStatistics().heap_size_limit);
    expect(warnings).toEqual([expect.stringContaining('cache.memoryBytes x 4 connectors')]);
  });

  it('says nothing of memory with the default bounds', async () => {
    expect(await start()).toEqual([]);
  });
});
