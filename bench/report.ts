import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { MeasuredRow } from './measure';
import type { BenchOptions } from './options';
import type { JoinScore, PeerDepartment } from './peer-correctness';
import type { PeerCorrectness } from './peer-scenarios';
import type { ProfileSummary } from './profile';
import type { Ratios, TargetResult } from './targets';

/** The machine the numbers come from. */
export interface MachineInfo {
  cpus: number;
  model: string;
  memoryGb: number;
  node: string;
  platform: string;
}

/** The peer (Hive Gateway + GraphQL Mesh): what an evaluator would pick instead, and how right it is. */
export interface PeerResults {
  status: 'ok' | 'skipped';
  /** Why it was skipped, or how it ran. */
  note: string;
  /** Its packages, as bench/peer/package.json pins them. */
  versions: Record<string, string> | null;
  /** Fetching the silos' documents, preparing and composing them, ms. */
  composeMs: number | null;
  /** The links the composition declares, in words. */
  links: string[];
  rows: MeasuredRow[];
  /** Department records joined to the right customer, against the generator's ground truth. */
  correctness: PeerCorrectness | null;
  /** The gateway process's peak RSS over the whole run (VmHWM), MB. */
  vmHwmMb: number | null;
}

/** Everything results.json holds. */
export interface BenchResults {
  machine: MachineInfo;
  /** `git rev-parse --short HEAD`, with `-dirty` when the working tree had changes. */
  commit: string;
  date: string;
  command: string;
  options: Omit<BenchOptions, 'outDir'>;
  /** `storeVmHwmMb`: the embedded store's own process (when it has one), apart from the hub's. */
  hub: {
    store: string;
    /** The node flags the hub processes ran with (the heap budget, or `BENCH_HUB_NODE_FLAGS`). */
    nodeFlags: string;
    vmHwmMb: number | null;
    storeVmHwmMb: number | null;
    naiveVmHwmMb: number | null;
  };
  scenarios: MeasuredRow[];
  baselines: MeasuredRow[];
  /** Runs that explain the others (one connection: latency without queueing). */
  diagnostics: MeasuredRow[];
  ratios: Ratios;
  targets: TargetResult[];
  profiles: ProfileSummary[];
  peer: PeerResults;
  notes: string[];
}

export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    cpus: cpus.length,
    model: cpus[0]?.model.trim() ?? 'unknown',
    memoryGb: Number((os.totalmem() / 1024 ** 3).toFixed(1)),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
  };
}

/** The commit measured; read-only git commands (no index refresh, so no lock is taken). */
export function commitId(root: string): string {
  try {
    const git = (...args: string[]) =>
      execFileSync('git', ['--no-optional-locks', ...args], {
        cwd: root,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      });
    const head = git('rev-parse', '--short', 'HEAD').trim();
    return git('status', '--porcelain').trim() === '' ? head : `${head}-dirty`;
  } catch {
    return 'unknown';
  }
}

const cell = (value: number | string | null | undefined): string =>
  value === null || value === undefined ? '–' : String(value);
const mark = (met: boolean | null): string => (met === null ? 'not measured' : met ? 'met' : '**missed**');

function rowsTable(rows: readonly MeasuredRow[]): string[] {
  const lines = [
    '| scenario | status | req/s | p50 ms | p95 ms | p99 ms | upstream/op | connectors | store/op | CPU ms/op | peak RSS MB | ops |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const r of rows) {
    lines.push(
      `| ${r.name} | ${r.status} | ${cell(r.rps)} | ${cell(r.p50Ms)} | ${cell(r.p95Ms)} | ${cell(r.p99Ms)} | ${cell(r.upstreamPerOp)} | ` +
        `${cell(r.connectorsTouched)} | ${cell(r.storeRoundTripsPerOp)} | ${cell(r.hubCpuMsPerOp)} | ${cell(r.peakRssMb)} | ${cell(r.operations)} |`,
    );
  }
  return lines;
}

/**
 * CPU per operation by thread, for the rows that have it: the profiles sample only the main
 * thread, so this says how much of the CPU they cannot show (mostly garbage collection).
 */
function threadsTable(rows: readonly MeasuredRow[]): string[] {
  const split = rows.filter((r) => r.cpuByThreadMsPerOp);
  if (split.length === 0) return [];
  return [
    'CPU ms per operation by thread: the JavaScript thread (what a CPU profile samples), the rest of the process ' +
      "(V8's parallel and concurrent garbage collection and its compiler, libuv's pool, a profiler's thread while one " +
      "runs) and the embedded store's process:",
    '',
    '| scenario | CPU ms/op | main thread | other threads | store process |',
    '| --- | ---: | ---: | ---: | ---: |',
    ...split.map((r) => {
      const t = r.cpuByThreadMsPerOp!;
      return `| ${r.name} | ${cell(r.hubCpuMsPerOp)} | ${t.hubMain} | ${t.hubOthers} | ${cell(t.store)} |`;
    }),
    '',
  ];
}

function rowNotes(rows: readonly MeasuredRow[]): string[] {
  return rows.filter((r) => r.note).map((r) => `- *${r.name}* (\`${r.id}\`): ${r.note}`);
}

function profileSection(profiles: readonly ProfileSummary[]): string[] {
  if (profiles.length === 0) return ['No target was missed, so no profile was taken.'];
  const lines: string[] = [];
  for (const p of profiles) {
    lines.push(
      `### ${p.scenario}`,
      '',
      `\`${p.file}\`: ${p.durationMs} ms profiled, ${p.busyMs} ms busy (${p.idlePct}% idle: waiting for the silos, or for load).`,
      '',
      'Busy time by layer: ' + p.byLayer.map((l) => `${l.layer} ${l.pct}%`).join(', ') + '.',
      '',
      '| self ms | % busy | function | where |',
      '| ---: | ---: | --- | --- |',
      ...p.top.map(
        (f) => `| ${f.selfMs} | ${f.selfPct} | \`${f.function}\` | ${f.location || '(V8/Node internals)'} |`,
      ),
      '',
      'Self time by area: ' + p.byArea.map((a) => `${a.area} ${a.selfPct}%`).join(', ') + '.',
      '',
      'Busy time with the area anywhere on the stack (inclusive, overlapping): ' +
        p.inclusiveByArea.map((a) => `${a.area} ${a.pct}%`).join(', ') +
        '.',
      '',
    );
  }
  return lines;
}

const pct = (share: number | null): string => (share === null ? '–' : `${(share * 100).toFixed(1)}%`);

function peerSection(peer: PeerResults, ratios: Ratios): string[] {
  if (peer.status === 'skipped') return [`Skipped: ${peer.note}`, ''];
  const c = peer.correctness;
  const departments: PeerDepartment[] = ['accounting', 'sales', 'credit', 'support'];
  const scoreRows = (label: string, score: JoinScore) => [
    ...departments.map((d) => {
      const s = score.byDepartment[d];
      return `| ${label} | ${d} | ${s.expected} | ${s.correct} | ${s.missed} | ${s.wrong} | ${pct(s.expected ? s.correct / s.expected : null)} |`;
    }),
    `| ${label} | **all** | ${score.total.expected} | ${score.total.correct} | ${score.total.missed} | ${score.total.wrong} | **${pct(score.share)}** |`,
  ];
  return [
    peer.note,
    '',
    `Packages: ${Object.entries(peer.versions ?? {})
      .map(([name, version]) => `\`${name}@${version}\``)
      .join(', ')}. Composed in ${cell(peer.composeMs)} ms. Gateway peak RSS (VmHWM): ${cell(peer.vmHwmMb)} MB.`,
    '',
    'Links:',
    '',
    ...peer.links.map((link) => `- ${link}`),
    '',
    ...rowsTable(peer.rows),
    '',
    ...rowNotes(peer.rows),
    '',
    "Correctness: department records joined to the right customer, against the generator's ground truth " +
      '(`generateWorld().people[].keys`). *missed*: the person has a record there and the link found none; ' +
      '*wrong*: a record that is not theirs (or where they have none).',
    '',
    '| screen | department | expected | correct | missed | wrong | share |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: |',
    ...(c
      ? [
          ...scoreRows(`screen pop (${c.screenPop.customers} people, ${c.screenPop.notFound} not found)`, c.screenPop),
          ...scoreRows(`pages (${c.pages.customers} listed, ${c.pages.peopleNotListed} people not listed)`, c.pages),
        ]
      : []),
    '',
    ...(c
      ? [
          `Support through its batch keyed by the account's e-mail as typed (\`supportByEmailBatch\`, instead of the search): ` +
            `${c.supportByEmailBatch.correct} of ${c.supportByEmailBatch.expected} correct ` +
            `(${pct(c.supportByEmailBatch.expected ? c.supportByEmailBatch.correct / c.supportByEmailBatch.expected : null)}), ` +
            `${c.supportByEmailBatch.missed} missed: byte-for-byte key matching.`,
          '',
        ]
      : []),
    'Hub over peer (req/s: above 1 the hub is faster; CPU per op: below 1 the hub is cheaper):',
    '',
    '| hub scenario | req/s hub/peer | CPU ms/op hub/peer |',
    '| --- | ---: | ---: |',
    ...Object.entries(ratios.vsPeer).map(([id, vs]) => `| ${id} | ${cell(vs.rps)} | ${cell(vs.cpuPerOp)} |`),
    '',
  ];
}

/** results.md: the tables, the machine and the commit, the targets, and the profiles. */
export function renderMarkdown(results: BenchResults): string {
  const m = results.machine;
  const o = results.options;
  return [
    '# Switchboard benchmark results',
    '',
    `Measured ${results.date} on commit \`${results.commit}\` with \`${results.command}\`.`,
    '',
    `Machine: ${m.cpus} x ${m.model}, ${m.memoryGb} GB, Node ${m.node}, ${m.platform}. Hub store: ${results.hub.store}.` +
      ` Hub node flags: ${results.hub.nodeFlags || 'none (node defaults)'}.`,
    `Settings: ${o.scale} customers (seed ${o.seed}), silo latency ${o.latencyMs} ms + up to ${o.jitterMs} ms jitter, ` +
      `${o.durationS} s per scenario at most, ${o.connections} connections${o.quick ? ', **quick mode** (checks that the benchmark works; the numbers mean nothing)' : ''}.`,
    '',
    '## Scenarios',
    '',
    ...rowsTable(results.scenarios),
    '',
    '## Baselines',
    '',
    ...rowsTable(results.baselines),
    '',
    '## Diagnostics (the cold comparison on one connection and under 50; the warm screen pop and the warm page executed, past the response cache)',
    '',
    ...rowsTable(results.diagnostics),
    '',
    ...rowNotes([...results.scenarios, ...results.baselines, ...results.diagnostics]),
    '',
    ...threadsTable([...results.scenarios, ...results.baselines, ...results.diagnostics, ...results.peer.rows]),
    'Store commands per operation, by command:',
    '',
    ...[...results.scenarios, ...results.baselines, ...results.diagnostics]
      .filter((r) => r.storeCommandsPerOp && Object.keys(r.storeCommandsPerOp).length > 0)
      .map(
        (r) =>
          `- ${r.name}: ${Object.entries(r.storeCommandsPerOp!)
            .map(([c, n]) => `${c} ${n}`)
            .join(', ')}`,
      ),
    '',
    '## Targets',
    '',
    '| target | measured | result | missed by |',
    '| --- | --- | --- | --- |',
    ...results.targets.map((t) => `| ${t.description} | ${t.measured} | ${mark(t.met)} | ${cell(t.missedBy)} |`),
    '',
    `Ratios: coldVsFloor ${cell(results.ratios.coldVsFloor)} (with one connection: ${cell(results.ratios.coldVsFloorUnloaded)}), ` +
      `warmVsCeiling ${cell(results.ratios.warmVsCeiling)}, ` +
      `naive/batched page of 100: ${cell(results.ratios.naiveVsBatchedPageUpstream)}x the upstream requests, ` +
      `${cell(results.ratios.naiveVsBatchedPageP50)}x the p50.`,
    '',
    `Hub peak RSS over the whole run (VmHWM): ${cell(results.hub.vmHwmMb)} MB; naive hub: ${cell(results.hub.naiveVmHwmMb)} MB; ` +
      `the hub's embedded store, in its own process (what a mongod would use): ${cell(results.hub.storeVmHwmMb)} MB. ` +
      'CPU per operation counts the store process too.',
    '',
    '## The peer: Hive Gateway over a GraphQL Mesh supergraph (what an evaluator would pick instead)',
    '',
    ...peerSection(results.peer, results.ratios),
    '## Where the time goes (CPU profiles of the hub, for missed targets)',
    '',
    ...profileSection(results.profiles),
    '## Notes',
    '',
    ...results.notes.map((n) => `- ${n}`),
    '',
    'How each number is measured: [bench/README.md](README.md).',
    '',
  ].join('\n');
}

/** Writes results.json and results.md into `outDir`; returns their paths. */
export function writeResults(outDir: string, results: BenchResults): { json: string; markdown: string } {
  const json = path.join(outDir, 'results.json');
  const markdown = path.join(outDir, 'results.md');
  writeFileSync(json, `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(markdown, renderMarkdown(results));
  return { json, markdown };
}
