import type { SnapshotProgress, SnapshotReport } from '../schema/snapshot';
import type { HubLogger } from './logger';

/** What one snapshot run gets from the runner. */
export interface SnapshotRunControls {
  onProgress?: (progress: SnapshotProgress) => void | Promise<void>;
  /** True once the runner is stopping: the run stops after its current batch (and resumes next time). */
  shouldStop: () => boolean;
  /**
   * To be called when the run's work begins (in the hub: its turn on the map's chain), so the
   * runner knows which version of the identity map (`mapVersion`) it reads.
   */
  started: () => void;
}

/** What a caller of `run` needs of the run it gets. */
export interface SnapshotRunWanted {
  /**
   * The run must read this version of the identity map or a later one (`mapVersion`): a run
   * under way that began on an older map is not joined; a new run is queued after it instead.
   */
  readsMapVersion?: number;
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
  /** The identity map's version, bumped by each sync that commits (default: always 0). */
  mapVersion?: () => number;
}

/** Runs snapshot builds one at a time, on demand and on a schedule. */
export interface SnapshotRunner {
  /**
   * Runs now, or, when a run is under way, waits for that one (its progress goes to whoever
   * started it), unless `wanted.readsMapVersion` says it reads too old a map: then the next run,
   * after it. Rejects when the run fails.
   *
   * @example
   * await hub.syncIdentities();
   * await runner.run(undefined, { readsMapVersion: mapVersion() }); // never a run of the old map
   */
  run(
    onProgress?: (progress: SnapshotProgress) => void | Promise<void>,
    wanted?: SnapshotRunWanted,
  ): Promise<SnapshotReport>;
  /** Stops the schedule and asks a run under way to stop after its batch; resolves once it has. */
  stop(): Promise<void>;
}

/**
 * Creates the hub's snapshot runner. Scheduled runs never overlap (a tick that finds a run under
 * way is skipped), their failures are logged rather than thrown (the next tick resumes the run),
 * and the timer is unref'd so it never keeps a process alive.
 */
export function createSnapshotRunner(options: SnapshotRunnerOptions): SnapshotRunner {
  // The run under way, and the map version it reads once it has begun (null until then: it will
  // read the map as it is when its turn comes).
  let inFlight: { promise: Promise<SnapshotReport>; reading: { version: number | null } } | null = null;
  // The run queued after one that reads too old a map; callers wanting the same join it.
  let queued: Promise<SnapshotReport> | null = null;
  let stopping = false;

  const run = (
    onProgress?: (progress: SnapshotProgress) => void | Promise<void>,
    wanted: SnapshotRunWanted = {},
  ): Promise<SnapshotReport> => {
    if (inFlight) {
      const { promise, reading } = inFlight;
      const stale =
        wanted.readsMapVersion !== undefined && reading.version !== null && reading.version < wanted.readsMapVersion;
      if (!stale) return promise;
      const ignore = () => undefined;
      queued ??= promise.then(ignore, ignore).then(() => {
        queued = null;
        return run(onProgress, wanted);
      });
      return queued;
    }
    if (stopping) return Promise.reject(new Error('The hub is closing: no new snapshot run starts'));
    const reading: { version: number | null } = { version: null };
    const promise = options.run({
      onProgress,
      shouldStop: () => stopping,
      started: () => {
        reading.version = options.mapVersion?.() ?? 0;
      },
    });
    const flight = { promise, reading };
    inFlight = flight;
    const clear = () => {
      if (inFlight === flight) inFlight = null;
    };
    flight.promise.then(clear, clear);
    return flight.promise;
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
      await inFlight?.promise.catch(() => undefined);
      await queued?.catch(() => undefined);
    },
  };
}
