import type { EstablishedLatency, LoadResult } from './load';
import {
  countsBetween,
  readCpuMs,
  readStoreCommands,
  readThreadCpuMs,
  sampleRss,
  settle,
  sum,
  type SiloCounts,
} from './metrics';

/** The process a row measures: its pid (CPU, RSS) and origin (`/metrics`). */
export interface MeasuredProcess {
  readonly pid: number;
  readonly origin: string;
  /**
   * The embedded store's own process, when the hub runs it in one: its CPU counts as the hub's
   * (the peer has no store to hand work to), its memory is reported apart, as a mongod's would be.
   */
  readonly storePid?: number | null;
}

/** The hub's CPU time so far, ms: its process and its embedded store's, when that has its own. */
export async function hubCpuMs(hub: MeasuredProcess): Promise<number | null> {
  return (await readHubCpu(hub))?.total ?? null;
}

/** The hub's CPU per operation by where it ran, ms: what `hubCpuMsPerOp` is made of. */
export interface CpuByThread {
  /** The hub's JavaScript thread: what its CPU profile samples. */
  hubMain: number;
  /** The rest of the hub's process: V8's garbage collection and compiler workers, libuv's pool. */
  hubOthers: number;
  /** The embedded store's process, all threads; null when it has none of its own. */
  store: number | null;
}

/** One reading of the hub's CPU so far, ms: the total and its parts. */
type HubCpu = CpuByThread & { total: number };

/** The hub's CPU so far, and where it ran; null where /proc is not available. */
async function readHubCpu(hub: MeasuredProcess): Promise<HubCpu | null> {
  const own = await readThreadCpuMs(hub.pid);
  if (own === null) return null;
  const store = hub.storePid == null ? null : await readCpuMs(hub.storePid);
  return { total: own.total + (store ?? 0), hubMain: own.main, hubOthers: own.total - own.main, store };
}

/** The difference of two readings, per operation: the parts add up to the total's. */
function cpuByThreadPerOp(before: HubCpu | null, after: HubCpu | null, ops: number): CpuByThread | null {
  if (before === null || after === null || ops === 0) return null;
  const perOp = (ms: number) => Number((ms / ops).toPrecision(3));
  return {
    hubMain: perOp(after.hubMain - before.hubMain),
    hubOthers: perOp(after.hubOthers - before.hubOthers),
    store: before.store === null || after.store === null ? null : perOp(after.store - before.store),
  };
}

/** One row of the results: a scenario or a baseline, measured or skipped. */
export interface MeasuredRow {
  /** Stable identifier (`screenPopCold`, `floor`...), for code that reads results.json. */
  id: string;
  /** What people read in the table. */
  name: string;
  status: 'ok' | 'skipped';
  /** Why it was skipped, or what to know about the numbers; null when nothing. */
  note: string | null;
  rps: number | null;
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
  /** Requests the silos served per operation (their own `/_stats`). */
  upstreamPerOp: number | null;
  /** Departments the operation selects (counted from its document). */
  connectorsTouched: number | null;
  /** MongoDB commands the hub sent per operation (its `/metrics`); null when not measurable. */
  storeRoundTripsPerOp: number | null;
  /** The same by command name (`find`, `update`...), to see which kind of round trip it is. */
  storeCommandsPerOp: Record<string, number> | null;
  /**
   * CPU time the hub used per operation (user + system), ms: what bounds its throughput. With
   * the embedded store in a process of its own, that process's CPU is added in.
   */
  hubCpuMsPerOp: number | null;
  /**
   * The same split by thread: the hub's JavaScript thread, its other threads (garbage
   * collection above all) and its store's process. Null for a row without a hub, and in
   * results written before it was measured.
   */
  cpuByThreadMsPerOp?: CpuByThread | null;
  /**
   * The latency without each connection's first answer, and the slowest of those first answers:
   * how much of the tail is connections being opened on a busy hub. Null without connections of
   * the load's own, and in results written before it was measured.
   */
  established?: EstablishedLatency | null;
  /** Largest RSS sample of the process under test during the run, MB. */
  peakRssMb: number | null;
  /** Operations sent and how many failed (errors, non-2xx, GraphQL errors, customer not found). */
  operations: number | null;
  failed: number | null;
  elapsedS: number | null;
  /** Upstream requests per silo over the whole run. */
  upstreamBySilo: SiloCounts | null;
}

/** Where a row's load goes and what it touches. */
export interface RowSpec {
  id: string;
  name: string;
  /** Departments the operation selects. */
  connectorsTouched: number;
  /** The hub (or peer) under test; null for the floor, which has no hub. */
  hub: MeasuredProcess | null;
  /** False for a process with no store to count (the peer): no store figures, no note. */
  store?: boolean;
  siloUrls: Record<string, string>;
  note?: string;
}

const round = (value: number, digits = 2): number => Number(value.toFixed(digits));

/** A row for a scenario that cannot run yet, with the reason. */
export function skippedRow(id: string, name: string, reason: string): MeasuredRow {
  return {
    id,
    name,
    status: 'skipped',
    note: reason,
    rps: null,
    p50Ms: null,
    p95Ms: null,
    p99Ms: null,
    upstreamPerOp: null,
    connectorsTouched: null,
    storeRoundTripsPerOp: null,
    storeCommandsPerOp: null,
    hubCpuMsPerOp: null,
    cpuByThreadMsPerOp: null,
    established: null,
    peakRssMb: null,
    operations: null,
    failed: null,
    elapsedS: null,
    upstreamBySilo: null,
  };
}

/**
 * Runs one load and reads every counter around it: the silos' request counts (after they settle,
 * so requests still in flight at the deadline are counted), the hub's store commands, and the
 * hub's RSS sampled every 100 ms. Per-operation figures divide by operations sent, since the hub
 * finishes each one it received.
 */
export async function measureRow(spec: RowSpec, load: () => Promise<LoadResult>): Promise<MeasuredRow> {
  const siloBefore = await settle(spec.siloUrls);
  const countStore = spec.hub !== null && spec.store !== false;
  const storeBefore = countStore ? await readStoreCommands(spec.hub!.origin) : null;
  const cpuBefore = spec.hub ? await readHubCpu(spec.hub) : null;
  const rss = spec.hub ? sampleRss(spec.hub.pid) : null;
  const outcome = await load().then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  const peakRssMb = rss ? await rss.stop() : null;
  if ('error' in outcome) throw outcome.error;
  const result = outcome.value;
  // Quiet for as long as the slowest requests took (at least 300 ms, at most 10 s): see settle().
  const siloAfter = await settle(spec.siloUrls, Math.min(10_000, Math.max(300, result.p99Ms)));
  const storeAfter = countStore ? await readStoreCommands(spec.hub!.origin) : null;
  const cpuAfter = spec.hub ? await readHubCpu(spec.hub) : null;
  const upstream = countsBetween(siloBefore, siloAfter);
  const ops = result.sent;
  const notes: string[] = spec.note ? [spec.note] : [];
  let storePerOp: number | null = null;
  let storeByCommand: Record<string, number> | null = null;
  if (storeBefore !== null && storeAfter !== null && ops > 0) {
    // Reading /metrics sends no store command, so the difference is the load's own.
    storeByCommand = {};
    for (const [command, count] of Object.entries(storeAfter)) {
      const perOp = round((count - (storeBefore[command] ?? 0)) / ops);
      if (perOp > 0) storeByCommand[command] = perOp;
    }
    storePerOp = round((sum(storeAfter) - sum(storeBefore)) / ops);
  } else if (countStore) {
    notes.push('store round trips: the hub has no switchboard_store_commands_total counter at /metrics yet');
  }
  if (result.repeats > 0) notes.push(`${result.repeats} inputs were reused (ran out of distinct ones)`);
  if (result.failed > 0)
    notes.push(`${result.failed} of ${result.completed} answers failed; the first: ${result.firstFailure}`);
  return {
    id: spec.id,
    name: spec.name,
    status: 'ok',
    note: notes.length > 0 ? notes.join('; ') : null,
    rps: result.rps,
    p50Ms: result.p50Ms,
    p95Ms: result.p95Ms,
    p99Ms: result.p99Ms,
    upstreamPerOp: ops > 0 ? round(sum(upstream) / ops) : null,
    connectorsTouched: spec.connectorsTouched,
    storeRoundTripsPerOp: storePerOp,
    storeCommandsPerOp: storeByCommand,
    // Includes the settle wait and two /metrics reads: idle, or a few ms over a whole run.
    hubCpuMsPerOp:
      cpuBefore !== null && cpuAfter !== null && ops > 0
        ? Number(((cpuAfter.total - cpuBefore.total) / ops).toPrecision(3))
        : null,
    cpuByThreadMsPerOp: cpuByThreadPerOp(cpuBefore, cpuAfter, ops),
    established: result.established,
    peakRssMb: peakRssMb === null ? null : round(peakRssMb, 1),
    operations: ops,
    failed: result.failed,
    elapsedS: result.elapsedS,
    upstreamBySilo: upstream,
  };
}
