import fs from 'node:fs';
import path from 'node:path';
import type { HubLogger } from '../logger';
import { DemoSilosError } from './errors';

/** The file in the hub's data directory that names the demo child while it runs. */
export const DEMO_RECORD_FILE = 'demo-systems.json';

/** What the record holds: enough to tell our leftover child from a stranger that reused its pid. */
export interface DemoRecord {
  /** The demo child's pid. */
  pid: number;
  /** The hub that started it: while the child's parent is still this pid, nothing is left over. */
  hubPid: number;
  /** The child's command line exactly as spawned, compared with /proc/<pid>/cmdline. */
  argv: string[];
}

/** Where the record of the demo child lives for a data directory. */
export function demoRecordPath(dataDir: string): string {
  return path.join(dataDir, DEMO_RECORD_FILE);
}

/** Writes the record whole or not at all, so a kill mid-write never leaves half a file. */
export function writeDemoRecord(file: string, record: DemoRecord): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, `${JSON.stringify(record)}\n`);
  fs.renameSync(temporary, file);
}

/** The record, or null when there is none or it is not one (a stray file is not worth failing over). */
export function readDemoRecord(file: string): DemoRecord | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
  const r = parsed as Partial<DemoRecord> | null;
  const valid =
    r !== null &&
    typeof r === 'object' &&
    Number.isSafeInteger(r.pid) &&
    Number.isSafeInteger(r.hubPid) &&
    Array.isArray(r.argv) &&
    r.argv.every((a) => typeof a === 'string');
  return valid ? (r as DemoRecord) : null;
}

/** Removes the record if it still names `pid` (a newer child's record is left alone). */
export function removeDemoRecord(file: string, pid: number | undefined): void {
  if (readDemoRecord(file)?.pid === pid) fs.rmSync(file, { force: true });
}

/** What /proc says about a live process; 'gone' also for a zombie, which holds no ports. */
type Seen = 'gone' | 'unknown' | { argv: string[]; ppid: number };

function look(pid: number): Seen {
  if (!fs.existsSync('/proc/self/stat')) {
    // No /proc (macOS): a process can be seen to exist, not verified to be ours.
    try {
      process.kill(pid, 0);
      return 'unknown';
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === 'EPERM' ? 'unknown' : 'gone';
    }
  }
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    // The command name in parentheses may itself hold spaces and parentheses.
    const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (state === 'Z' || state === 'X') return 'gone';
    const argv = cmdline.endsWith('\0') ? cmdline.slice(0, -1).split('\0') : cmdline.split('\0');
    return { argv, ppid: Number(ppid) };
  } catch {
    return 'gone';
  }
}

function sameArgv(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((arg, i) => arg === b[i]);
}

/** True once `pid` no longer runs the recorded command (ended, or the pid now names another). */
async function waitUntilGone(pid: number, argv: readonly string[], timeoutMs: number): Promise<boolean> {
  // Polling: a process that is not our child gives no event when it ends (Node has no pidfd).
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const seen = look(pid);
    if (seen === 'gone' || (seen !== 'unknown' && !sameArgv(seen.argv, argv))) return true;
    if (performance.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // Already gone: that is what we want.
  }
}

/** How long a leftover child gets to close its servers after SIGTERM, then after SIGKILL. */
export interface LeftoverTimeouts {
  termMs: number;
  killMs: number;
}

/**
 * Stops the demo child an earlier hub left running, if the record names one that really is
 * ours: alive, running exactly the recorded command line, and no longer the child of the hub
 * that started it (that hub died). Resolves with the pid it stopped, or null. A record of a
 * child whose hub still runs is an error, not something to kill. Without /proc nothing can be
 * verified, so nothing is stopped (the port check then says what holds the ports).
 */
export async function stopLeftoverDemoSilos(
  file: string,
  logger: HubLogger,
  timeouts: LeftoverTimeouts = { termMs: 5_000, killMs: 2_000 },
): Promise<number | null> {
  const record = readDemoRecord(file);
  if (record === null) return null;
  const seen = look(record.pid);
  if (seen === 'unknown') return null;
  if (seen === 'gone' || !sameArgv(seen.argv, record.argv)) {
    fs.rmSync(file, { force: true });
    return null;
  }
  if (seen.ppid === record.hubPid) {
    throw new DemoSilosError(
      `The demo department systems recorded in ${file} (pid ${record.pid}) belong to a Switchboard that ` +
        `is still running (pid ${record.hubPid}). Stop it first (kill ${record.hubPid}), or give this one ` +
        'its own SWITCHBOARD_DATA_DIR and ports.',
    );
  }
  logger.warn(
    `The demo department systems of an earlier Switchboard are still running (pid ${record.pid}, ` +
      `recorded in ${file}); stopping them before starting new ones.`,
  );
  signal(record.pid, 'SIGTERM');
  signal(record.pid, 'SIGCONT'); // A stopped process only acts on SIGTERM once it runs again.
  if (!(await waitUntilGone(record.pid, record.argv, timeouts.termMs))) {
    signal(record.pid, 'SIGKILL');
    if (!(await waitUntilGone(record.pid, record.argv, timeouts.killMs))) {
      throw new DemoSilosError(
        `The demo department systems an earlier Switchboard left running (pid ${record.pid}) did not stop ` +
          `after SIGTERM and SIGKILL; stop that process and start again.`,
      );
    }
  }
  fs.rmSync(file, { force: true });
  return record.pid;
}
