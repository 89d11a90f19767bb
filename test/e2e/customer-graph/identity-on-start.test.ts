import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig, type SwitchboardConfig } from '../../../config';
import { startHub, type Hub, type HubLogger } from '../../../gateway';
import { startSilos, type RunningSilos } from '../../../silos';
import { IDENTITY_COLLECTION } from '../../../store';

/** A logger that keeps every warning, for assertions on what start-up said. */
function recordingLogger(): HubLogger & { warnings: string[] } {
  const warnings: string[] = [];
  return { warnings, info: () => undefined, warn: (m) => warnings.push(m), error: (m) => warnings.push(m) };
}

const WORLD_A = { seed: 7, scale: 150 };
const WORLD_B = { seed: 7, scale: 300 };

describe('the identity map at start-up, over a data directory that outlives the hub', () => {
  let dataDir: string;
  let silos: RunningSilos | null = null;
  let hub: Hub | null = null;

  const configFor = (
    running: RunningSilos,
    syncOnStart: SwitchboardConfig['identity']['syncOnStart'] = 'auto',
    disabled: readonly string[] = [],
  ) =>
    loadConfig({
      env: {},
      overrides: {
        server: { host: '127.0.0.1', port: 0 },
        mongodb: { dataDir, embeddedIn: 'inline' },
        demo: { enabled: false },
        identity: { syncOnStart },
        connectors: Object.fromEntries(
          Object.entries(running.urls).map(([name, url]) => [name, { url, enabled: !disabled.includes(name) }]),
        ),
      },
    });
  const world = async (w: { seed: number; scale: number }) => {
    await silos?.close();
    silos = await startSilos({ ...w, ports: { accounting: 0, sales: 0, credit: 0, support: 0 } });
    return silos;
  };
  const restart = async (
    running: RunningSilos,
    mode?: SwitchboardConfig['identity']['syncOnStart'],
    disabled: readonly string[] = [],
  ) => {
    await hub?.close();
    const logger = recordingLogger();
    hub = await startHub(configFor(running, mode, disabled), { logger });
    return { hub, warnings: logger.warnings };
  };
  const customerIds = async (h: Hub) =>
    (
      await h.store.db
        .collection(IDENTITY_COLLECTION)
        .find({}, { projection: { _id: 1 } })
        .toArray()
    ).length;

  beforeEach(() => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'sb-identity-start-'));
  });
  afterEach(async () => {
    await hub?.close();
    await silos?.close();
    hub = null;
    silos = null;
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps the map of the same systems across a restart, without syncing or warning', async () => {
    const running = await world(WORLD_A);
    const first = await restart(running);
    expect((await first.hub.store.db.collection('sync_state').findOne({ _id: 'identity' as never }))?.generation).toBe(
      1,
    );
    const second = await restart(running);
    expect(second.warnings).toEqual([]);
    expect((await second.hub.store.db.collection('sync_state').findOne({ _id: 'identity' as never }))?.generation).toBe(
      1,
    );
    expect(await customerIds(second.hub)).toBe(running.world.people.length);
  });

  it('notices systems of another world, says so, re-syncs and sets the old snapshots aside', async () => {
    const first = await restart(await world(WORLD_A));
    const oldRun = (await first.hub.buildSnapshots()).runId;

    // The same seed at twice the scale: what `SILO_SCALE=300 npm start` over an old data directory does.
    const running = await world(WORLD_B);
    const second = await restart(running);
    expect(second.warnings).toEqual([
      expect.stringMatching(/^The identity map does not match the department systems: it links \d+ of the first 100/),
    ]);
    expect(await customerIds(second.hub)).toBe(running.world.people.length);
    const snapshotState = () => second.hub.store.db.collection('sync_state').findOne({ _id: 'snapshot' as never });
    // The old world's snapshot no longer answers filters, whether or not the new run is done yet.
    expect((await snapshotState())?.completed?.runId).not.toBe(oldRun);
    // Start-up builds the new world's snapshot at once; joining that run gives the whole new world.
    const report = await second.hub.buildSnapshots();
    expect(report.runId).not.toBe(oldRun);
    expect(report.customers).toBe(running.world.people.length);
    expect((await snapshotState())?.completed?.runId).toBe(report.runId);
  });

  it('links a connector enabled since the last sync, keeping the snapshots of the others', async () => {
    const running = await world(WORLD_A);
    const first = await restart(running, 'auto', ['support']);
    const kept = (await first.hub.buildSnapshots()).runId;
    const second = await restart(running);
    expect(second.warnings).toEqual([
      expect.stringMatching(
        /it links none of support's customers \(new to the map\)\. Syncing identities again now\.$/,
      ),
    ]);
    const state = await second.hub.store.db.collection('sync_state').findOne({ _id: 'snapshot' as never });
    expect(state?.completed?.runId).toBe(kept);
    expect(await customerIds(second.hub)).toBe(running.world.people.length);
  });

  it('only warns about another world when identity.syncOnStart is ifEmpty', async () => {
    await restart(await world(WORLD_A));
    const second = await restart(await world(WORLD_B), 'ifEmpty');
    expect(second.warnings).toEqual([
      expect.stringMatching(
        /does not match the department systems.*until `npm run sync` \(identity.syncOnStart is ifEmpty\)/,
      ),
    ]);
    expect(await customerIds(second.hub)).toBeLessThan(silos!.world.people.length);
  });

  it('runs a sync that died before it was committed again at the next start', async () => {
    const running = await world(WORLD_A);
    const first = await restart(running);
    // What a sync killed half-way leaves: its state unfinished, part of its generation written.
    await first.hub.store.db
      .collection('sync_state')
      .updateOne({ _id: 'identity' as never }, { $set: { finishedAt: null, startedAt: new Date() } });
    await first.hub.store.db.collection('customers.next').insertOne({ _id: 'cus_half' as never });
    const second = await restart(running);
    expect(second.warnings).toEqual([
      expect.stringMatching(/did not finish; the map is the one before it\. Running it again now\./),
    ]);
    const state = await second.hub.store.db.collection('sync_state').findOne({ _id: 'identity' as never });
    expect(state).toMatchObject({ generation: 2, finishedAt: expect.any(Date) });
    expect(await customerIds(second.hub)).toBe(running.world.people.length);
    const collections = (await second.hub.store.db.listCollections().toArray()).map((c) => c.name);
    expect(collections).not.toContain('customers.next');
  });
});
