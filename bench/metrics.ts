import { readFile } from 'node:fs/promises';

/** Requests each silo has served since it started, by silo name (from its own `GET /_stats`). */
export type SiloCounts = Record<string, number>;

/** Reads every silo's `/_stats`; those reads are not counted by the silos themselves. */
export async function readSiloCounts(urls: Record<string, string>): Promise<SiloCounts> {
  const entries = await Promise.all(
    Object.entries(urls).map(async ([name, url]) => {
      const response = await fetch(`${url}/_stats`);
      if (!response.ok) throw new Error(`${name} /_stats answered HTTP ${response.status}`);
      const stats = (await response.json()) as { requests: number };
      return [name, stats.requests] as const;
    }),
  );
  return Object.fromEntries(entries);
}

/** After minus before, per silo. */
export function countsBetween(before: SiloCounts, after: SiloCounts): SiloCounts {
  return Object.fromEntries(Object.keys(after).map((name) => [name, after[name] - (before[name] ?? 0)]));
}

export function sum(counts: SiloCounts): number {
  return Object.values(counts).reduce((a, b) => a + b, 0);
}

/**
 * Waits until the silos' counters have not moved for `quietMs`. A load generator stops at its
 * deadline with requests still in flight; the hub finishes them (and their upstream calls)
 * afterwards, and those calls belong to the scenario, so they are counted before the next one
 * starts. The caller picks `quietMs` from the scenario's own p99: a request in flight makes its
 * upstream calls within about that long.
 */
export async function settle(urls: Record<string, string>, quietMs = 300, maxMs = 30_000): Promise<SiloCounts> {
  const deadline = Date.now() + quietMs + maxMs;
  let previous = await readSiloCounts(urls);
  let lastChange = Date.now();
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    const now = await readSiloCounts(urls);
    if (sum(now) !== sum(previous)) lastChange = Date.now();
    if (Date.now() - lastChange >= quietMs || Date.now() > deadline) return now;
    previous = now;
  }
}

/** A counter's values in a Prometheus text exposition, by the value of one label; null if absent. */
export function prometheusByLabel(text: string, metric: string, label: string): Record<string, number> | null {
  let found: Record<string, number> | null = null;
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || !line.startsWith(metric)) continue;
    const rest = line.slice(metric.length);
    // `metric_total 3` or `metric_total{a="b"} 3`, never `metric_total_other ...`.
    if (rest[0] !== ' ' && rest[0] !== '{') continue;
    const value = Number(rest.slice(rest.lastIndexOf(' ') + 1));
    if (!Number.isFinite(value)) continue;
    const key = new RegExp(`${label}="([^"]*)"`).exec(rest)?.[1] ?? '';
    found ??= {};
    found[key] = (found[key] ?? 0) + value;
  }
  return found;
}

/** MongoDB commands the hub has sent, by command name (from the driver's command monitoring). */
export const STORE_COMMANDS_METRIC = 'switchboard_store_commands_total';

/** Reads the hub's store command counter by command; null when `/metrics` is missing or lacks it. */
export async function readStoreCommands(hubOrigin: string): Promise<Record<string, number> | null> {
  try {
    const response = await fetch(`${hubOrigin}/metrics`);
    if (!response.ok) return null;
    return prometheusByLabel(await response.text(), STORE_COMMANDS_METRIC, 'command');
  } catch {
    return null;
  }
}

/** A process's resident memory from `/proc/<pid>/status` (Linux), in MB; null elsewhere. */
export async function readRssMb(pid: number, field: 'VmRSS' | 'VmHWM' = 'VmRSS'): Promise<number | null> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
    return match ? Number(match[1]) / 1024 : null;
  } catch {
    return null;
  }
}

/**
 * CPU time a process (or, with `tid`, one of its threads) has used (user + system), ms, from
 * `/proc/<pid>/stat`; null elsewhere.
 * Linux reports it in clock ticks of 1/100 s (USER_HZ, 100 on every mainstream kernel), so a
 * difference over a scenario of seconds is precise to a few percent.
 */
export async function readCpuMs(pid: number, tid?: number): Promise<number | null> {
  try {
    const stat = await readFile(tid === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${tid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces; the fields after its closing parenthesis do not.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return null;
  }
}

/** CPU time (user + system) a process has used, ms, and how much of it its main thread did. */
export interface ThreadCpuMs {
  /** The whole process, threads that have exited included (`/proc/<pid>/stat`). */
  total: number;
  /** Its main thread, the one that runs JavaScript (`/proc/<pid>/task/<pid>/stat`). */
  main: number;
}

/**
 * The process's CPU and its main thread's, read back to back; null where /proc is not
 * available or the process is gone. The rest (`total - main`) is everything off the JavaScript
 * thread: V8's garbage collection and compiler workers, libuv's pool, a profiler's thread.
 */
export async function readThreadCpuMs(pid: number): Promise<ThreadCpuMs | null> {
  const total = await readCpuMs(pid);
  const main = await readCpuMs(pid, pid);
  return total === null || main === null ? null : { total, main };
}

/** A running sampler of a process's RSS. */
export interface RssSampler {
  /** Stops sampling; the largest sample in MB, or null where /proc is not available. */
  stop(): Promise<number | null>;
}

/**
 * Samples a process's VmRSS every `intervalMs`. The kernel's own peak (VmHWM) cannot be reset
 * between scenarios, so each scenario's peak is the largest of its samples instead: it can miss
 * a spike shorter than the interval, which is why the process-wide VmHWM is reported too.
 */
export function sampleRss(pid: number, intervalMs = 100): RssSampler {
  let peak: number | null = null;
  const take = async () => {
    const rss = await readRssMb(pid);
    if (rss !== null) peak = Math.max(peak ?? 0, rss);
  };
  void take();
  const timer = setInterval(() => void take(), intervalMs);
  return {
    async stop() {
      clearInterval(timer);
      await take();
      return peak;
    },
  };
}
