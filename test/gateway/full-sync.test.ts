import { startTestHub, type TestHub } from '../helpers/hub';

describe('a full sync through the hub', () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub({ scale: 20 });
  });
  afterAll(() => t.close());

  it('reports snapshots built from the map it wrote, not a run that began on the old map', async () => {
    let holding: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (holding = resolve));
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    // A run that has begun reading the map, held at its first progress report.
    const old = t.hub.buildSnapshots(async (progress) => {
      if (progress.batches === 0) {
        holding();
        await gate;
      }
    });
    await held;
    const full = t.hub.fullSync(() => undefined);
    release();
    const [oldReport, fullReport] = await Promise.all([old, full]);
    expect(fullReport.snapshots.runId).not.toBe(oldReport.runId);
    expect(fullReport.snapshots.completed).toBe(true);
    const state = await t.hub.store.db.collection('sync_state').findOne({ _id: 'snapshot' as never });
    expect(state?.completed).toMatchObject({ runId: fullReport.snapshots.runId });
  });
});
