#!/usr/bin/env node
// How the hub grows with the customer base: for each scale, the identity sync and the snapshot
// run, and the hub CPU of a page of 100 customers with all departments. Run with
// `npm run bench:growth` (default scales 1000 and 100000); writes bench/growth.md.
import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { PAGE_QUERY, requestBody } from './documents';
import { hubCpuMs } from './measure';
import { readRssMb } from './metrics';
import { commitId } from './report';
import { startHubProcess, startSilosProcess } from './processes';
import { discoverCustomers, postGraphQL } from './workload';

const FROM_DIST = path.basename(path.dirname(__dirname)) === 'dist';
const ROOT = path.resolve(__dirname, FROM_DIST ? '../..' : '..');
const ENTRY_ROOT = path.dirname(__dirname); // dist/ or the repository: where silos/cli.(js|ts) is
const SILO_NAMES = ['accounting', 'sales', 'credit', 'support'];
/** Pages measured per scale, spread over the whole list (after a few unmeasured warm-up pages). */
const MEASURED_PAGES = 40;
const WARM_UP_PAGES = 5;

interface GrowthRow {
  scale: number;
  startWithSyncS: number;
  snapshotS: number;
  pageCpuMs: number | null;
  pages: number;
  vmHwmMb: number | null;
}

const log = (message: string) => process.stderr.write(`[growth] ${message}\n`);
const seconds = (from: number) => Number(((performance.now() - from) / 1000).toFixed(1));

async function measureScale(scale: number, latencyMs: number): Promise<GrowthRow> {
  const silos = await startSilosProcess(ENTRY_ROOT, { scale, seed: 42, latencyMs, jitterMs: 5, names: SILO_NAMES });
  try {
    const connectors = Object.fromEntries(Object.entries(silos.urls).map(([name, url]) => [name, { url }]));
    let started = performance.now();
    const hub = await startHubProcess(__dirname, {
      label: `hub ${scale}`,
      overrides: {
        server: { host: '127.0.0.1', port: 0 },
        mongodb: process.env.MONGODB_URI ? {} : { memory: true },
        demo: { enabled: false },
        identity: { syncOnStart: 'always' },
        limits: { rate: { requestsPerMinute: 0, refreshesPerMinute: 0 } },
        connectors,
      },
    });
    try {
      const startWithSyncS = seconds(started);
      // Pages first, on a hub that has cached nothing: what a cold page costs at this scale.
      const { pageCursors: cursors } = await discoverCustomers(hub.url);
      const step = Math.max(1, Math.floor(cursors.length / (MEASURED_PAGES + WARM_UP_PAGES)));
      const spread = cursors.filter((_cursor, i) => i % step === 0);
      const ask = (after: string | null) => postGraphQL(hub.url, requestBody(PAGE_QUERY, { after }));
      // A small list lends fewer pages to the warm-up, never all of them.
      const warmUp = Math.min(WARM_UP_PAGES, Math.floor(spread.length / 2));
      for (const after of spread.slice(0, warmUp)) await ask(after);
      const measured = spread.slice(warmUp, warmUp + MEASURED_PAGES);
      const before = await hubCpuMs(hub);
      for (const after of measured) await ask(after);
      const after = await hubCpuMs(hub);
      const pageCpuMs =
        before === null || after === null || measured.length === 0
          ? null
          : Number(((after - before) / measured.length).toFixed(1));
      started = performance.now();
      await hub.buildSnapshots();
      const snapshotS = seconds(started);
      const vmHwmMb = await readRssMb(hub.pid, 'VmHWM');
      const row = { scale, startWithSyncS, snapshotS, pageCpuMs, pages: measured.length, vmHwmMb };
      log(JSON.stringify(row));
      return row;
    } finally {
      await hub.stop();
    }
  } finally {
    await silos.stop();
  }
}

function report(rows: GrowthRow[], latencyMs: number, commit: string): string {
  const smallest = rows[0];
  const lines = [
    '# Growth',
    '',
    `Measured ${new Date().toISOString()} on commit \`${commit}\` with \`npm run bench:growth -- --scales ${rows.map((r) => r.scale).join(',')}\`; silo latency ${latencyMs} ms + up to 5 ms.`,
    '',
    'Per scale, a fresh set of silos and a fresh hub (embedded store in memory): the start with its identity sync, the hub CPU per cold page of 100 customers with all departments (nothing cached yet; pages spread over the whole list, after a few unmeasured), then the customer-360 snapshot run.',
    '',
    '| customers | start with identity sync, s | snapshot run, s | sync + snapshot, s | page of 100, hub CPU ms | vs smallest | pages | hub peak RSS MB |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map((row) => {
      const vs =
        row.pageCpuMs !== null && smallest.pageCpuMs ? `${(row.pageCpuMs / smallest.pageCpuMs).toFixed(2)}x` : '–';
      const total = (row.startWithSyncS + row.snapshotS).toFixed(1);
      return `| ${row.scale} | ${row.startWithSyncS} | ${row.snapshotS} | ${total} | ${row.pageCpuMs ?? '–'} | ${vs} | ${row.pages} | ${row.vmHwmMb?.toFixed(0) ?? '–'} |`;
    }),
    '',
    'Targets (issue 10): at 100,000 customers the identity sync plus the snapshot run under 60 s, and a page of 100 within 1.2x of what it costs at 1,000.',
    '',
  ];
  return lines.join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      scales: { type: 'string', default: '1000,100000' },
      'latency-ms': { type: 'string', default: '20' },
      out: { type: 'string' },
    },
  });
  const scales = values.scales.split(',').map((text) => Number(text.trim()));
  if (scales.some((scale) => !Number.isSafeInteger(scale) || scale < 1 || scale > 100_000))
    throw new Error(`--scales takes whole numbers from 1 to 100000, separated by commas; got "${values.scales}"`);
  const latencyMs = Number(values['latency-ms']);
  // Read before anything runs (see bench/run.ts).
  const commit = commitId(ROOT);
  const rows: GrowthRow[] = [];
  for (const scale of scales) rows.push(await measureScale(scale, latencyMs));
  const out = values.out ?? path.join(ROOT, 'bench', 'growth.md');
  writeFileSync(out, report(rows, latencyMs, commit));
  log(`wrote ${out}`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`growth: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
