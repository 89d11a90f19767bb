import type { SnapshotProgress, SnapshotReport } from '../schema/snapshot';
import type { HubLogger } from './logger';

/** What one snapshot run gets from the runner. */
export interface SnapshotRunControls {
  onProgress?: (progress: SnapshotProgress) => void | Promise<void>;
  /** True once the runner is stopping: the run stops after its current batch (and resumes next time). */
  shouldStop: () => boolean;
}

/** How to run snapshots in a hub. */
export interface SnapshotRunnerOptions {
  /** One run (`buildSnapshots` with the hub's connectors and repositories). */
  run: (controls: SnapshotRunControls) => Promise<SnapshotReport>;
  /** Minutes between scheduled runs; null: only when asked. */
  intervalMinutes: number | null;
  /** Run once right after start-up (the snapshot is missing, or a run was left unfinished). */
  runAtStart: boolean;
  logger: HubLogger;
}

/** Runs snapshot builds one at a time, on demand and on a schedule. */
export interface SnapshotRunner {
  /**
   * Runs now, or, when a run is under way, waits for that one (its progress goes to whoever
   * started it). Rejects when the run fails.
   */
  run(onProgress?: (progress: SnapshotProgress) => void | Promise<void>): Promise<SnapshotReport>;
  /** Stops the schedule and asks a run under way to stop after its batch; resolves once it has. */
  stop(): Promise<void>;
}

/**
 * Creates the hub's snapshot runner. Scheduled runs never overlap (a tick that finds a run under
 * way is skipped), their failures are logged rather than thrown (the next tick resumes the run),
 * and the timer is unref'd so it never keeps a process alive.
 */
export function createSnapshotRunner(options: SnapshotRunnerOptions): SnapshotRunner {
  let inFlight: Promise<SnapshotReport> | null = null;
  let stopping = false;

  const run = (onProgress?: (progress: SnapshotProgress) => void | Promise<void>): Promise<SnapshotReport> => {
    if (inFlight) return inFlight;
    if (stopping) return Promise.reject(new Error('The hub is closing: no new snapshot run starts'));
    const current = options.run({ onProgress, shouldStop: () => stopping });
    inFlight = current;
    const clear = () => {
      if (inFlight === current) inFlight = null;
    };
    current.then(clear, clear);
    return current;
  };

  const scheduled = () => {
    if (inFlight || stopping) return;
    run().then(
      (report) =>
        options.logger.info(
          report.completed
            ? `Snapshot: ${report.customers} customers in ${report.batches} batches, ${report.durationMs} ms${report.resumedFrom ? ` (resumed after ${report.resumedFrom})` : ''}`
            : `Snapshot run paused after ${report.batches} batches; it resumes next time`,
        ),
      (error: unknown) => options.logger.warn(`${(error as Error).message}`),
    );
  };

  const timer = options.intervalMinutes === null ? null : setInterval(scheduled, options.intervalMinutes * 60_000);
  timer?.unref();
  if (options.runAtStart) setImmediate(scheduled);

  return {
    run,
    async stop() {
      stopping = true;
      if (timer) clearInterval(timer);
      await inFlight?.catch(() => undefined);
    },
  };
}
