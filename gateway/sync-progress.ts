import { Presets, SingleBar } from 'cli-progress';
import type { SyncProgress } from '../schema/identity';
import type { SnapshotProgress } from '../schema/snapshot';

/** Shows a snapshot run's progress while `npm run sync` waits for it. */
export interface SnapshotProgressView {
  update: (progress: SnapshotProgress) => void;
  /** Ends the display (the bar's line is left as it was). */
  stop(): void;
}

/**
 * A progress bar on a terminal; on anything else (CI logs, a file) one plain line per tenth of
 * the customers, so a log is neither silent for minutes nor full of carriage returns.
 */
export function snapshotProgressView(stream: NodeJS.WriteStream = process.stderr): SnapshotProgressView {
  if (stream.isTTY) {
    const bar = new SingleBar(
      {
        stream,
        hideCursor: true,
        format: 'Snapshots |{bar}| {percentage}% | {value}/{total} customers | {batches} batches | ETA {eta_formatted}',
      },
      Presets.shades_classic,
    );
    let started = false;
    return {
      update(progress) {
        if (!started) bar.start(progress.customersTotal, progress.customersDone, { batches: progress.batches });
        started = true;
        bar.setTotal(Math.max(progress.customersTotal, progress.customersDone));
        bar.update(progress.customersDone, { batches: progress.batches });
      },
      stop: () => {
        if (started) bar.stop();
        started = false;
      },
    };
  }
  let lastTenth = -1;
  return {
    update(progress) {
      const share = progress.customersTotal === 0 ? 1 : progress.customersDone / progress.customersTotal;
      const tenth = Math.min(10, Math.floor(share * 10));
      if (tenth === lastTenth) return;
      lastTenth = tenth;
      stream.write(
        `Snapshots: ${progress.customersDone}/${progress.customersTotal} customers (${Math.round(share * 100)}%), ${progress.batches} batches\n`,
      );
    },
    stop: () => undefined,
  };
}

/** Shows how far the identity sync has read each system's directory. */
export interface IdentityProgressView {
  update: (progress: SyncProgress) => void;
  /** Ends the display (on a terminal: ends the line). */
  stop(): void;
}

/**
 * One line rewritten in place on a terminal; elsewhere a plain line at most every `everyMs`
 * (default 2 s), so a log shows the sync is alive without a line per directory page.
 */
export function identityProgressView(
  stream: NodeJS.WriteStream = process.stderr,
  everyMs = 2_000,
  now: () => number = Date.now,
): IdentityProgressView {
  const counts = new Map<string, number>();
  const line = () => `Reading directories: ${[...counts].map(([system, n]) => `${system} ${n}`).join(', ')}`;
  let shown = false;
  let lastAt = -Infinity;
  return {
    update({ system, records }) {
      counts.set(system, records);
      if (stream.isTTY) {
        stream.write(`\r${line()}   `);
        shown = true;
      } else if (now() - lastAt >= everyMs) {
        lastAt = now();
        stream.write(`${line()}\n`);
      }
    },
    stop() {
      if (shown) stream.write('\n');
      shown = false;
    },
  };
}
