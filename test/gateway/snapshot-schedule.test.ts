import { createSnapshotRunner, silentLogger, type SnapshotRunControls } from '../../gateway';
import type { SnapshotReport } from '../../schema/snapshot';

const REPORT: SnapshotReport = {
  runId: 'r',
  completed: true,
  customers: 1,
  batches: 1,
  resumedFrom: null,
  removed: 0,
  durationMs: 1,
};

/** A run that stays under way until `finish()` is called. */
function controlledRuns() {
  const calls: SnapshotRunControls[] = [];
  let finish: (() => void) | null = null;
  const run = (controls: SnapshotRunControls) => {
    calls.push(controls);
    return new Promise<SnapshotReport>((resolve) => {
      finish = () => resolve(REPORT);
    });
  };
  return { calls, run, finish: () => finish?.() };
}

describe('the snapshot runner', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('runs on its interval and skips a tick that finds the previous run still going', async () => {
    const runs = controlledRuns();
    const runner = createSnapshotRunner({ run: runs.run, intervalMinutes: 5, runAtStart: false, logger: silentLogger });
    jest.advanceTimersByTime(5 * 60_000);
    expect(runs.calls).toHaveLength(1);
    jest.advanceTimersByTime(5 * 60_000);
    expect(runs.calls).toHaveLength(1);
    runs.finish();
    await Promise.resolve();
    jest.advanceTimersByTime(5 * 60_000);
    expect(runs.calls).toHaveLength(2);
    runs.finish();
    await runner.stop();
  });

  it('lets a caller join the run under way instead of starting a second one', async () => {
    const runs = controlledRuns();
    const runner = createSnapshotRunner({
      run: runs.run,
      intervalMinutes: null,
      runAtStart: false,
      logger: silentLogger,
    });
    const first = runner.run();
    const second = runner.run();
    expect(runs.calls).toHaveLength(1);
    runs.finish();
    await expect(Promise.all([first, second])).resolves.toEqual([REPORT, REPORT]);
  });

  it('queues a new run for a caller who needs the new map, rather than join the run that began on the old one', async () => {
    let version = 1;
    const calls: Array<{ controls: SnapshotRunControls; finish: () => void }> = [];
    const run = (controls: SnapshotRunControls) =>
      new Promise<SnapshotReport>((resolve) => {
        const runId = `run-${calls.length + 1}`;
        calls.push({ controls, finish: () => resolve({ ...REPORT, runId }) });
      });
    const runner = createSnapshotRunner({
      run,
      intervalMinutes: null,
      runAtStart: false,
      logger: silentLogger,
      mapVersion: () => version,
    });
    const old = runner.run();
    calls[0].controls.started(); // it reads map version 1
    version = 2; // a sync commits meanwhile
    const afterSync = runner.run(undefined, { readsMapVersion: 2 });
    const alsoAfterSync = runner.run(undefined, { readsMapVersion: 2 });
    const anyRun = runner.run();
    expect(calls).toHaveLength(1);
    calls[0].finish();
    await expect(old).resolves.toMatchObject({ runId: 'run-1' });
    await expect(anyRun).resolves.toMatchObject({ runId: 'run-1' });
    await Promise.resolve();
    await Promise.resolve();
    expect(calls).toHaveLength(2);
    calls[1].controls.started();
    calls[1].finish();
    await expect(Promise.all([afterSync, alsoAfterSync])).resolves.toMatchObject([
      { runId: 'run-2' },
      { runId: 'run-2' },
    ]);
  });

  it('lets a caller who needs the new map join a run that has not begun yet: it will read that map', async () => {
    let version = 1;
    const runs = controlledRuns();
    const runner = createSnapshotRunner({
      run: runs.run,
      intervalMinutes: null,
      runAtStart: false,
      logger: silentLogger,
      mapVersion: () => version,
    });
    const queuedBehindSync = runner.run();
    version = 2;
    const afterSync = runner.run(undefined, { readsMapVersion: 2 });
    expect(runs.calls).toHaveLength(1);
    runs.calls[0].started();
    runs.finish();
    await expect(Promise.all([queuedBehindSync, afterSync])).resolves.toEqual([REPORT, REPORT]);
  });

  it('logs a failed scheduled run instead of throwing, and tries again on the next tick', async () => {
    const warnings: string[] = [];
    let attempts = 0;
    const runner = createSnapshotRunner({
      run: async () => {
        attempts += 1;
        throw new Error('the sales system is down');
      },
      intervalMinutes: 1,
      runAtStart: false,
      logger: { ...silentLogger, warn: (message) => warnings.push(message) },
    });
    jest.advanceTimersByTime(60_000);
    await Promise.resolve();
    await Promise.resolve();
    jest.advanceTimersByTime(60_000);
    await Promise.resolve();
    expect(attempts).toBe(2);
    expect(warnings[0]).toBe('the sales system is down');
    await runner.stop();
  });

  it('on stop, asks the run under way to stop, waits for it and runs no more', async () => {
    const runs = controlledRuns();
    const runner = createSnapshotRunner({ run: runs.run, intervalMinutes: 1, runAtStart: true, logger: silentLogger });
    jest.runOnlyPendingTimers(); // the start-up run
    expect(runs.calls).toHaveLength(1);
    expect(runs.calls[0].shouldStop()).toBe(false);
    const stopped = runner.stop();
    expect(runs.calls[0].shouldStop()).toBe(true);
    runs.finish();
    await stopped;
    jest.advanceTimersByTime(10 * 60_000);
    expect(runs.calls).toHaveLength(1);
    await expect(runner.run()).rejects.toThrow(/closing/);
  });
});
