import type { ChildProcess } from 'node:child_process';
import type { SwitchboardConfig } from '../../config';
import { consoleLogger, type HubLogger } from '../logger';
import { demoSiloArgv, demoSiloPorts, spawnDemoChild, waitUntilReady } from './child';
import { describeExit } from './errors';
import { demoRecordPath, removeDemoRecord, stopLeftoverDemoSilos, writeDemoRecord } from './leftover';
import { assertDemoPortsFree } from './ports';

/** The demo department systems, running in a child process that the hub restarts if it dies. */
export interface DemoSilos {
  /** Base URL per system; the same across restarts (the ports come from the connectors' URLs). */
  readonly urls: Record<string, string>;
  /** The child's pid while it runs; null while it is down or being restarted. */
  readonly pid: number | null;
  /** Stops the child (SIGTERM, then SIGKILL after 10 s) and any restart still to come. */
  close(): Promise<void>;
}

/**
 * Waits before each restart after an unexpected exit: the n-th consecutive failure waits the
 * n-th entry, the last one repeating, so a child that cannot start is retried every 30 s for as
 * long as the hub runs, never in a tight loop.
 */
export const DEFAULT_RESTART_DELAYS_MS: readonly number[] = [1_000, 2_000, 4_000, 8_000, 16_000, 30_000];

/** A child that stayed up this long has recovered: its next exit starts the backoff again. */
const STABLE_MS = 60_000;
/** How long a child gets to close its servers after SIGTERM before SIGKILL. */
const CLOSE_GRACE_MS = 10_000;

/** How to run the demo systems beyond the configuration. */
export interface DemoSilosOptions {
  /** Where the loud lines go (default the console). */
  logger?: HubLogger;
  /** Longest wait for the systems to listen, ms (default 60 000). */
  readyTimeoutMs?: number;
  /** Waits before restarts (default `DEFAULT_RESTART_DELAYS_MS`); empty: never restart. */
  restartDelaysMs?: readonly number[];
}

/**
 * Starts the demo silos in a child process (so their work never competes with the gateway's
 * event loop) and waits until they all listen. First it stops a child a killed hub left behind
 * (see `stopLeftoverDemoSilos`) and checks that the ports are free, so a failure names the port.
 * The child dies with the hub, even by SIGKILL; if the child dies alone, the hub logs an error
 * line and restarts it with a backoff. A failure to start the first time rejects instead.
 */
export async function startDemoSilos(config: SwitchboardConfig, options: DemoSilosOptions = {}): Promise<DemoSilos> {
  const logger = options.logger ?? consoleLogger;
  const readyTimeoutMs = options.readyTimeoutMs ?? 60_000;
  const delays = options.restartDelaysMs ?? DEFAULT_RESTART_DELAYS_MS;
  const ports = demoSiloPorts(config);
  const names = Object.keys(ports).join(', ');
  const record = demoRecordPath(config.mongodb.dataDir);
  let current: ChildProcess | null = null;
  let ready = false;
  let closing = false;
  let timer: NodeJS.Timeout | null = null;
  let failures = 0;

  /** Starts one child; resolves with its URLs, or null when `close()` came first. */
  const launch = async (): Promise<Record<string, string> | null> => {
    await stopLeftoverDemoSilos(record, logger);
    await assertDemoPortsFree(ports);
    if (closing) return null;
    const argv = demoSiloArgv(config, ports);
    const child = spawnDemoChild(argv);
    current = child;
    ready = false;
    if (child.pid !== undefined) writeDemoRecord(record, { pid: child.pid, hubPid: process.pid, argv });
    child.once('exit', () => removeDemoRecord(record, child.pid));
    let urls: Record<string, string>;
    try {
      urls = await waitUntilReady(child, readyTimeoutMs);
    } catch (error) {
      current = null;
      throw error;
    }
    ready = true;
    const readyAt = performance.now();
    child.once('exit', (code, signal) => {
      if (closing) return;
      current = null;
      ready = false;
      if (performance.now() - readyAt >= STABLE_MS) failures = 0;
      logger.error(
        `The demo department systems (${names}; pid ${child.pid}) exited unexpectedly with ` +
          `${describeExit(code, signal)}; their departments answer UPSTREAM_UNAVAILABLE (or from the ` +
          `repository's copies) until they are back. ${scheduleRestart()}`,
      );
    });
    return urls;
  };

  /** Arms the next restart and says when, for the log line that explains why. */
  const scheduleRestart = (): string => {
    if (delays.length === 0) return 'Restarts are off; restart the hub to get them back.';
    const delay = delays[Math.min(failures, delays.length - 1)];
    failures += 1;
    timer = setTimeout(() => {
      timer = null;
      void restart(failures);
    }, delay);
    return `Restarting them in ${delay / 1000} s (restart ${failures}).`;
  };

  const restart = async (attempt: number): Promise<void> => {
    try {
      const urls = await launch();
      if (urls === null || closing) return;
      logger.info(`Restarted the demo department systems (pid ${current?.pid}, restart ${attempt}).`);
    } catch (error) {
      if (closing) return;
      logger.error(
        `Restarting the demo department systems failed (restart ${attempt}): ${(error as Error).message}. ` +
          scheduleRestart(),
      );
    }
  };

  const urls = await launch();
  return {
    urls: urls ?? {},
    get pid() {
      return ready ? (current?.pid ?? null) : null;
    },
    close: async () => {
      closing = true;
      if (timer !== null) clearTimeout(timer);
      const child = current;
      if (child === null || child.exitCode !== null || child.signalCode !== null) return;
      await new Promise<void>((resolve) => {
        const force = setTimeout(() => child.kill('SIGKILL'), CLOSE_GRACE_MS);
        child.once('exit', () => {
          clearTimeout(force);
          resolve();
        });
        child.kill('SIGTERM');
      });
    },
  };
}
