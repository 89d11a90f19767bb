import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { EstablishedLatency } from '../../bench/load';
import type { CpuByThread } from '../../bench/measure';

const ROOT = path.resolve(__dirname, '..', '..');

/** Runs bench/run.ts from source (as a developer without a build would), with its output. */
function runBench(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', 'bench/run.ts', ...args], {
      cwd: ROOT,
      env: { ...process.env, TS_NODE_PROJECT: path.join(ROOT, 'tsconfig.json') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

interface Row {
  id: string;
  name: string;
  status: 'ok' | 'skipped';
  note: string | null;
  [field: string]: unknown;
}

const MEASURED = [
  'rps',
  'p50Ms',
  'p95Ms',
  'p99Ms',
  'upstreamPerOp',
  'connectorsTouched',
  'storeRoundTripsPerOp',
  'peakRssMb',
] as const;

// Only that the benchmark works: no assertion here is about speed (issue 4: no timing in tests).
describe('npm run bench -- --quick', () => {
  let out: string;
  let run: { code: number | null; stdout: string; stderr: string };
  let results: {
    machine: Record<string, unknown>;
    commit: string;
    date: string;
    options: Record<string, unknown>;
    scenarios: Row[];
    baselines: Row[];
    peer: { status: 'ok' | 'skipped'; note: string; rows: Row[]; correctness: { pages: { share: unknown } } | null };
    ratios: {
      coldVsFloor: unknown;
      warmVsCeiling: unknown;
      targets: { coldVsFloor: { met: unknown }; warmVsCeiling: { met: unknown } };
    };
  };

  beforeAll(async () => {
    out = mkdtempSync(path.join(os.tmpdir(), 'bench-quick-test-'));
    run = await runBench(['--quick', '--out', out]);
    if (run.code === 0) results = JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8'));
  }, 170_000);
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('exits 0 and writes results.json and results.md', () => {
    if (run.code !== 0) throw new Error(`bench exited ${run.code}:\n${run.stderr.slice(-3000)}`);
    expect(readFileSync(path.join(out, 'results.md'), 'utf8')).toContain('| scenario | status | req/s | p50 ms |');
  });

  it('records the machine, the commit, the date and the options', () => {
    expect(results.machine).toEqual(
      expect.objectContaining({
        cpus: expect.any(Number),
        model: expect.any(String),
        memoryGb: expect.any(Number),
        node: process.version,
      }),
    );
    expect(results.commit).toMatch(/^([0-9a-f]{4,}(-dirty)?|unknown)$/);
    expect(Number.isNaN(Date.parse(results.date))).toBe(false);
    expect(results.options).toEqual(expect.objectContaining({ quick: true, scale: 300 }));
  });

  it('has every scenario, each with every field, numeric when it ran', () => {
    expect(results.scenarios.map((s) => s.id)).toEqual([
      'screenPopCold',
      'screenPopWarm',
      'pageOf100',
      'crossDepartmentFilter',
      'csvExport',
    ]);
    for (const row of [...results.scenarios, ...results.baselines]) {
      for (const field of ['name', 'status', ...MEASURED]) expect(row).toHaveProperty(field);
      if (row.status === 'skipped') {
        expect(row.note).toEqual(expect.any(String));
        continue;
      }
      for (const field of MEASURED) {
        // Store round trips are null only where there is no hub to ask (the floor).
        if (row[field] === null && (field === 'storeRoundTripsPerOp' || field === 'peakRssMb') && row.id === 'floor')
          continue;
        expect([row.id, field, typeof row[field]]).toEqual([row.id, field, 'number']);
      }
    }
  });

  it("splits the hub's CPU by thread: its JavaScript thread, its other threads and its store's process", () => {
    for (const id of ['screenPopCold', 'pageOf100']) {
      const row = results.scenarios.find((s) => s.id === id)!;
      const split = row.cpuByThreadMsPerOp as CpuByThread | null;
      // The hub runs its embedded store in a process of its own (mongodb.embeddedIn: process).
      expect([id, typeof split?.hubMain, typeof split?.hubOthers, typeof split?.store]).toEqual([
        id,
        'number',
        'number',
        'number',
      ]);
      expect(split!.hubMain).toBeGreaterThan(0);
      // One reading gives the total and its parts: they add up (each rounded to 3 digits).
      const total = row.hubCpuMsPerOp as number;
      expect(Math.abs(split!.hubMain + split!.hubOthers + split!.store! - total)).toBeLessThanOrEqual(
        0.01 * total + 0.01,
      );
    }
    expect(readFileSync(path.join(out, 'results.md'), 'utf8')).toContain(
      '| scenario | CPU ms/op | main thread | other threads | store process |',
    );
  });

  it("reports each connection's first answer apart for HTTP loads, not for the floor's workers", () => {
    const cold = results.scenarios.find((s) => s.id === 'screenPopCold')!;
    const established = cold.established as EstablishedLatency | null;
    expect([typeof established?.p50Ms, typeof established?.p99Ms, typeof established?.firstAnswersMaxMs]).toEqual([
      'number',
      'number',
      'number',
    ]);
    expect(established!.firstAnswersMaxMs).toBeGreaterThan(0);
    expect(results.baselines.find((b) => b.id === 'floor')!.established).toBeNull();
  });

  it('runs the floor, the ceiling and the naive graph, and computes the ratios', () => {
    expect(results.baselines.map((b) => b.id)).toEqual(
      expect.arrayContaining(['floor', 'ceiling', 'pageOf100Naive', 'screenPopColdNaive']),
    );
    expect(results.ratios.coldVsFloor).toEqual(expect.any(Number));
    expect(results.ratios.warmVsCeiling).toEqual(expect.any(Number));
    expect(results.ratios.targets.coldVsFloor.met).toEqual(expect.any(Boolean));
    expect(results.ratios.targets.warmVsCeiling.met).toEqual(expect.any(Boolean));
  });

  it('counts one upstream request per department for a page of 100, and far more without batching', () => {
    const page = results.scenarios.find((s) => s.id === 'pageOf100')!;
    const naive = results.baselines.find((b) => b.id === 'pageOf100Naive')!;
    expect(page.connectorsTouched).toBe(4);
    expect(page.upstreamPerOp).toBe(4);
    expect(naive.upstreamPerOp as number).toBeGreaterThan(10 * (page.upstreamPerOp as number));
  });

  it("exports every customer of its own world through a saved query's CSV, each once and without errors", () => {
    const row = results.scenarios.find((s) => s.id === 'csvExport')!;
    expect(row).toMatchObject({ status: 'ok', operations: 1, failed: 0, connectorsTouched: 4 });
    expect(row.note).toContain('300 rows in 1 page of 300');
    // One page of 300: one request per department.
    expect(row.upstreamPerOp).toBe(4);
  });

  // The peer runs in --quick only when bench/peer/ is installed: the suite never downloads it.
  it('reports the peer, measured and scored, or skipped with the reason', () => {
    expect(results.peer.note).toEqual(expect.any(String));
    if (results.peer.status === 'skipped') return;
    expect(results.peer.rows.map((r) => r.id)).toEqual(['peerScreenPopCold', 'peerScreenPopWarm', 'peerPageOf100']);
    for (const row of results.peer.rows) expect([row.id, typeof row.rps]).toEqual([row.id, 'number']);
    expect(results.peer.correctness?.pages.share).toEqual(expect.any(Number));
  });

  it('refuses a bad flag with one line and exit status 2', async () => {
    const bad = await runBench(['--scale', 'lots']);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toEqual([
      'bench: --scale must be a whole number from 1 to 100000, got "lots" (see --help)',
    ]);
  }, 60_000);
});
