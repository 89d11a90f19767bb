#!/usr/bin/env node
// `npm run bench`: the hub against the baselines that bound it, in one run (issue 4; see README.md).
import 'reflect-metadata'; // documents.ts reads SCREEN_POP_QUERY from the gateway's public API.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { generateWorld, SILO_NAMES } from '../silos';
import { ceiling, floor } from './baselines';
import type { LoadResult } from './load';
import type { MeasuredRow } from './measure';
import { readRssMb } from './metrics';
import { parseBenchOptions, USAGE, UsageError, type BenchOptions } from './options';
import { installPeer, peerInstalled, peerVersions, startPeerProcess } from './peer-process';
import {
  PEER_LINKS,
  peerPageCursors,
  peerPageOf100,
  peerScreenPopCold,
  peerScreenPopWarm,
  planPeerWorkload,
  scorePeer,
} from './peer-scenarios';
import { hubNodeFlags, startHubProcess, startSilosProcess, type ChildHandle, type HubProcess } from './processes';
import { summarizeProfile, type ProfileSummary } from './profile';
import { commitId, machineInfo, writeResults, type BenchResults, type PeerResults } from './report';
import {
  crossDepartmentFilter,
  pageOf100,
  primeWarmSet,
  screenPopCold,
  screenPopColdLoad,
  screenPopWarm,
  screenPopWarmLoad,
  screenPopWarmExecuted,
  type ScenarioContext,
} from './scenarios';
import { csvExportScenario } from './export';
import { computeRatios, judgeTargets } from './targets';
import { discoverCustomers, planWorkload } from './workload';

// Compiled, this file is dist/bench/run.js; from source (the quick test), bench/run.ts.
const FROM_DIST = path.basename(path.dirname(__dirname)) === 'dist';
const ROOT = path.resolve(__dirname, FROM_DIST ? '../..' : '..');
const ENTRY_ROOT = path.dirname(__dirname); // dist/ or the repository: where silos/cli.(js|ts) is
// The peer's own installation (package.json, lock, mesh.config.mjs) stays in the source tree.
const PEER_DIR = path.join(ROOT, 'bench', 'peer');

const log = (message: string): void => void process.stderr.write(`[bench] ${message}\n`);

function describe(row: MeasuredRow): string {
  if (row.status === 'skipped') return `${row.name}: skipped (${row.note})`;
  return (
    `${row.name}: ${row.rps} req/s, p50 ${row.p50Ms} ms, p95 ${row.p95Ms} ms, p99 ${row.p99Ms} ms, ` +
    `upstream/op ${row.upstreamPerOp}, store/op ${row.storeRoundTripsPerOp ?? '–'}, peak RSS ${row.peakRssMb ?? '–'} MB, ${row.operations} ops`
  );
}

/** The config overrides of the hub under test, and of the naive graph (no batching, no cache). */
function hubOverrides(siloUrls: Record<string, string>, naive: boolean): Record<string, unknown> {
  const connectors = Object.fromEntries(
    Object.entries(siloUrls).map(([name, url]) => [
      name,
      naive ? { url, enabled: true, maxBatchSize: 1 } : { url, enabled: true },
    ]),
  );
  return {
    server: { host: '127.0.0.1', port: 0 },
    // The embedded store, in memory, unless MONGODB_URI names a real one (read by loadConfig).
    mongodb: process.env.MONGODB_URI ? {} : { memory: true },
    demo: { enabled: false },
    identity: { syncOnStart: 'always' },
    ...(naive ? { cache: { enabled: false } } : {}),
    // The load comes from one address: the per-client rate limit would measure itself.
    limits: { rate: { requestsPerMinute: 0, refreshesPerMinute: 0 } },
    connectors,
  };
}

/** A real MongoDB keeps data between runs: each hub gets a database of its own, dropped at exit. */
function hubEnv(label: string): Record<string, string> {
  if (!process.env.MONGODB_URI) return {};
  return { MONGODB_DB: `switchboard_bench_${process.pid}_${label}`, BENCH_DROP_DATABASE: '1' };
}

/**
 * Re-runs a scenario's load with the hub's CPU profiler on, after the measured run, so the
 * profiler's overhead never touches the reported numbers; returns the profile's summary.
 */
async function profilePass(
  hub: HubProcess,
  outDir: string,
  scenario: string,
  load: () => Promise<LoadResult>,
): Promise<ProfileSummary> {
  const dir = path.join(outDir, 'profiles');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${scenario}.cpuprofile`);
  await hub.startProfile();
  try {
    await load();
  } finally {
    await hub.stopProfile(file);
  }
  return summarizeProfile(file, scenario, ROOT, outDir);
}

/** Every measured row by id, logged as it arrives. */
class Rows {
  private readonly byId = new Map<string, MeasuredRow>();
  add(row: MeasuredRow): MeasuredRow {
    this.byId.set(row.id, row);
    log(describe(row));
    return row;
  }
  get = (id: string): MeasuredRow | undefined => this.byId.get(id);
  pick(ids: readonly string[]): MeasuredRow[] {
    return ids.map((id) => this.byId.get(id)).filter((row): row is MeasuredRow => row !== undefined);
  }
}

const skippedPeer = (note: string): PeerResults => ({
  status: 'skipped',
  note,
  versions: null,
  composeMs: null,
  links: PEER_LINKS,
  rows: [],
  correctness: null,
  vmHwmMb: null,
});

/**
 * Whether this run measures the peer: installed already, or installed now (`npm ci --prefix
 * bench/peer`) unless `--quick` without `--peer` (a test must never download) or `--no-peer`.
 * A failed install skips the peer with its reason; it never fails the benchmark.
 */
async function preparePeer(options: BenchOptions): Promise<string | null> {
  if (options.peer === 'off') return 'left out (--no-peer)';
  if (peerInstalled(PEER_DIR)) return null;
  if (options.peer === 'auto' && options.quick)
    return 'not installed, and --quick never installs it (run with --peer, or npm ci --prefix bench/peer)';
  log('installing the peer: npm ci --prefix bench/peer (once; bench/peer/node_modules is not committed)');
  try {
    await installPeer(PEER_DIR);
    return null;
  } catch (error) {
    return `could not be installed (${(error as Error).message})`;
  }
}

/** The peer, on the same silos, after the hubs have stopped: its scenarios and its correctness. */
async function runPeer(
  options: BenchOptions,
  siloUrls: Record<string, string>,
  started: ChildHandle[],
  rows: Rows,
): Promise<PeerResults> {
  log("composing the peer (mesh-compose over the silos' /openapi.json) and starting Hive Gateway");
  let peer;
  try {
    peer = await startPeerProcess(PEER_DIR, siloUrls);
  } catch (error) {
    return skippedPeer(`could not be composed or started: ${(error as Error).message}`);
  }
  started.push(peer);
  const workload = planPeerWorkload(generateWorld({ seed: options.seed, scale: options.scale }).people);
  const cursors = await peerPageCursors(peer);
  log(
    `peer: ${workload.cold.length} cold and ${workload.warm.length} warm people, ${cursors.length} pages; scoring its joins`,
  );
  const correctness = await scorePeer(peer, workload, cursors, options.connections);
  log(`peer correctness: screen pop ${correctness.screenPop.share}, pages ${correctness.pages.share}`);
  const ctx = { peer, siloUrls, durationS: options.durationS, connections: options.connections };
  const peerRows = [
    rows.add(await peerScreenPopCold(ctx, workload.cold)),
    rows.add(await peerScreenPopWarm(ctx, workload.warm)),
    rows.add(await peerPageOf100(ctx, cursors)),
  ];
  const vmHwmMb = await readRssMb(peer.pid, 'VmHWM');
  await peer.stop();
  return {
    status: 'ok',
    note:
      'Hive Gateway (one process, `--fork 1`, NODE_ENV=production, on loopback, unpinned as the hub is) on a supergraph ' +
      "composed by `mesh-compose` at bench time from the running silos' own `/openapi.json`, after two rewrites: " +
      'OpenAPI 3.1\'s `type: [X, "null"]` as 3.0\'s `nullable: true` (Mesh makes the former non-null, so every null would ' +
      'blank its record with an error), and only the department routes with their 2xx answers (so a silo error is a GraphQL ' +
      'error, not a union member). The batch POSTs are exposed as queries (`selectQueryOrMutationField`). Same silos, same ' +
      'run, after the hubs stopped. It has no identity resolution: a customer is an accounting account, joined to the other ' +
      "departments by the links below. People screen-popped are the ground truth's people every department knows, by their " +
      'own phone; no response cache is configured.',
    versions: peerVersions(PEER_DIR),
    composeMs: peer.composeMs,
    links: PEER_LINKS,
    rows: peerRows,
    correctness,
    vmHwmMb: vmHwmMb === null ? null : Number(vmHwmMb.toFixed(1)),
  };
}

async function runBenchmark(options: BenchOptions, started: ChildHandle[]): Promise<BenchResults> {
  // Read before anything runs: what the children run was built from this tree, and an edit
  // made while the run goes on changes the tree, not what was measured.
  const commit = commitId(ROOT);
  const peerSkipped = await preparePeer(options);
  if (peerSkipped) log(`the peer is skipped: ${peerSkipped}`);
  log(`starting the silos (${options.scale} customers, ${options.latencyMs} ms + up to ${options.jitterMs} ms)`);
  const silos = await startSilosProcess(ENTRY_ROOT, { ...options, names: SILO_NAMES });
  started.push(silos);
  const connectorNames = Object.keys(silos.urls);
  log('starting the hub and the naive hub (identity sync at start)');
  // Both start together (start-up is not measured); the naive hub idles until its turn.
  const [hub, naive] = await Promise.all([
    startHubProcess(__dirname, { label: 'hub', overrides: hubOverrides(silos.urls, false), env: hubEnv('hub') }),
    startHubProcess(__dirname, { label: 'naive hub', overrides: hubOverrides(silos.urls, true), env: hubEnv('naive') }),
  ]);
  started.push(hub, naive);

  const workload = planWorkload(await discoverCustomers(hub.url), connectorNames);
  log(
    `${workload.customers.length} customers, ${workload.pageCursors.length} pages; screen pops: ${workload.cold.length} cold, ${workload.warm.length} warm`,
  );
  const base = { siloUrls: silos.urls, connectorNames, durationS: options.durationS, connections: options.connections };
  const ctx: ScenarioContext = { ...base, hub };
  const short = { durationS: Math.min(options.durationS, 5) };
  const rows = new Rows();
  const profiles: ProfileSummary[] = [];

  rows.add(await floor({ ...base, customers: workload.cold }));
  rows.add(await ceiling(hub, silos.urls, options.durationS, options.connections));
  rows.add(await screenPopCold(ctx, workload.cold));
  if (computeRatios(rows.get).targets.coldVsFloor.met === false) {
    log('cold screen pop misses its target: profiling a re-run on customers held back for it');
    profiles.push(
      await profilePass(
        hub,
        options.outDir,
        'screenPopCold',
        screenPopColdLoad({ ...ctx, ...short }, workload.coldReserve),
      ),
    );
  }
  // Under 50 connections, on cold phones of their own: the tail and the hub's own timeouts (or
  // its shedding) when it is saturated.
  const loaded = await screenPopCold({ ...ctx, ...short, connections: 50 }, workload.coldFifty, 'Fifty');
  rows.add({ ...loaded, name: `${loaded.name}, 50 connections` });
  // Diagnostics: the cold comparison again with one connection, where nothing queues for CPU,
  // so the ratio shows the request's structure (parallel or serial waits), not throughput.
  const one = { ...short, connections: 1 };
  rows.add({
    ...(await floor({ ...base, ...one, customers: workload.coldUnloaded })),
    id: 'floorUnloaded',
    name: 'floor, 1 connection',
  });
  const coldUnloaded = await screenPopCold({ ...ctx, ...one }, workload.coldUnloaded, 'Unloaded');
  rows.add({ ...coldUnloaded, name: `${coldUnloaded.name}, 1 connection` });

  rows.add(await screenPopWarm(ctx, workload.warm));
  rows.add(await screenPopWarmExecuted(ctx, workload.warm));
  if (computeRatios(rows.get).targets.warmVsCeiling.met === false) {
    log('warm screen pop misses its target: profiling a re-run');
    await primeWarmSet(ctx, workload.warm);
    profiles.push(
      await profilePass(hub, options.outDir, 'screenPopWarm', screenPopWarmLoad({ ...ctx, ...short }, workload.warm)),
    );
  }
  // Last on this hub: its pages include customers the screen pops warmed (see README).
  rows.add(await pageOf100(ctx, workload.pageCursors));
  rows.add(await pageOf100(ctx, workload.pageCursors, '', true));
  rows.add(await crossDepartmentFilter(ctx));
  const vmHwmMb = await readRssMb(hub.pid, 'VmHWM');
  const storeVmHwmMb = hub.storePid === null ? null : await readRssMb(hub.storePid, 'VmHWM');
  await hub.stop();

  // The naive graph: the same stitched schema, one key per upstream request, no cache.
  const naiveWorkload = planWorkload(await discoverCustomers(naive.url), connectorNames);
  const naiveCtx: ScenarioContext = { ...base, hub: naive };
  const naiveName = (row: MeasuredRow): MeasuredRow => ({ ...row, name: `naive graph: ${row.name}` });
  rows.add(naiveName(await screenPopCold(naiveCtx, naiveWorkload.cold, 'Naive')));
  rows.add(naiveName(await screenPopWarm(naiveCtx, naiveWorkload.warm, 'Naive')));
  // Last: a hundred one-key requests per department per page can queue past the connectors'
  // timeouts and open their breakers, which must not spill into another scenario.
  rows.add(naiveName(await pageOf100(naiveCtx, naiveWorkload.pageCursors, 'Naive')));
  const naiveVmHwmMb = await readRssMb(naive.pid, 'VmHWM');
  await naive.stop();
  // The peer's failure is the peer's result, never the end of the hub's.
  const peer = peerSkipped
    ? skippedPeer(peerSkipped)
    : await runPeer(options, silos.urls, started, rows).catch((error: unknown) =>
        skippedPeer(`failed during its run: ${(error as Error).message}`),
      );
  await silos.stop();
  // Last, on a world of its own (100,000 customers by default): the export's memory and time.
  // BENCH_PROFILE_EXPORT=1 profiles the exporting hub over the download (its time then includes
  // the profiler's), with the summary among the profiles.
  const exportProfile =
    process.env.BENCH_PROFILE_EXPORT === '1'
      ? path.join(options.outDir, 'profiles', 'csvExport.cpuprofile')
      : undefined;
  if (exportProfile) mkdirSync(path.dirname(exportProfile), { recursive: true });
  rows.add(
    await csvExportScenario({
      profileFile: exportProfile,
      scale: options.exportScale,
      seed: options.seed,
      latencyMs: options.latencyMs,
      jitterMs: options.jitterMs,
      entryRoot: ENTRY_ROOT,
      benchDir: __dirname,
      started,
      log,
    }),
  );
  if (exportProfile) profiles.push(summarizeProfile(exportProfile, 'csvExport', ROOT, options.outDir));

  const ratios = computeRatios(rows.get);
  const machine = machineInfo();
  const mb = (value: number | null) => (value === null ? null : Number(value.toFixed(1)));
  return {
    machine,
    commit,
    date: new Date().toISOString(),
    command: options.quick
      ? 'node bench/run.ts --quick'
      : `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
    options: {
      scale: options.scale,
      exportScale: options.exportScale,
      seed: options.seed,
      latencyMs: options.latencyMs,
      jitterMs: options.jitterMs,
      durationS: options.durationS,
      connections: options.connections,
      quick: options.quick,
      peer: options.peer,
    },
    hub: {
      store: process.env.MONGODB_URI
        ? 'MongoDB (MONGODB_URI)'
        : 'embedded MongoDB-compatible server, in memory, in a child process of the hub (mongodb.embeddedIn: process)',
      nodeFlags: hubNodeFlags().join(' '),
      vmHwmMb: mb(vmHwmMb),
      storeVmHwmMb: mb(storeVmHwmMb),
      naiveVmHwmMb: mb(naiveVmHwmMb),
    },
    scenarios: rows.pick(['screenPopCold', 'screenPopWarm', 'pageOf100', 'crossDepartmentFilter', 'csvExport']),
    baselines: rows.pick(['floor', 'ceiling', 'pageOf100Naive', 'screenPopColdNaive', 'screenPopWarmNaive']),
    diagnostics: rows.pick([
      'floorUnloaded',
      'screenPopColdUnloaded',
      'screenPopColdFifty',
      'screenPopWarmExecuted',
      'pageOf100Warm',
    ]),
    ratios,
    targets: judgeTargets(rows.get, ratios, { vmHwmMb, exportScale: options.exportScale }),
    profiles,
    peer,
    notes: [
      process.env.MONGODB_URI
        ? `Three processes share the ${machine.cpus} cores: the silos, the hub under test and this load generator; the MongoDB server is wherever MONGODB_URI says, and its CPU is not counted.`
        : `Four processes share the ${machine.cpus} cores: the silos, the hub under test, its embedded store (a child process of the hub, as npm start runs it) and this load generator. CPU per operation counts the hub's process and its store's, both ends of every store round trip (with a real MongoDB the server's half would be elsewhere); peak RSS is the hub's alone, the store's is given apart.`,
      'peakRssMb is the largest VmRSS sample (every 100 ms) of the hub process during the scenario; the kernel peak (VmHWM) cannot be reset between scenarios, so it is given once per hub.',
      "Upstream requests come from the silos' own /_stats counters, store round trips from the hub's switchboard_store_commands_total; both per operation sent, read once the silos have gone quiet.",
    ],
  };
}

async function main(argv: string[]): Promise<number> {
  let options: BenchOptions | 'help';
  try {
    options = parseBenchOptions(argv, path.join(ROOT, 'bench'));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`bench: ${error.message} (see --help)\n`);
    return 2;
  }
  if (options === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  mkdirSync(options.outDir, { recursive: true });
  const started: ChildHandle[] = [];
  const abort = () => void Promise.all(started.map((child) => child.stop(2_000))).then(() => process.exit(130));
  process.once('SIGINT', abort);
  process.once('SIGTERM', abort);
  try {
    const results = await runBenchmark(options, started);
    const written = writeResults(options.outDir, results);
    log(`wrote ${written.json} and ${written.markdown}`);
    for (const target of results.targets)
      log(
        `target ${target.met === null ? 'not measured' : target.met ? 'met' : 'MISSED'}: ${target.description}: ${target.measured}`,
      );
    return 0;
  } finally {
    await Promise.all(started.map((child) => child.stop()));
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
