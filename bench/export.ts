// The export scenario: every customer of a large demo world through a saved query's CSV export
// (GET /queries/<name>?format=csv), on a hub of its own started for it, with the hub's peak
// memory over the export. One operation is the whole export; its notes give rows, pages and size.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { SILO_NAMES } from '../silos';
import { measureRow, type MeasuredRow } from './measure';
import { readRssMb } from './metrics';
import { startHubProcess, startSilosProcess, type ChildHandle } from './processes';
import { postGraphQL } from './workload';

/** Rows per page of the export's list: these fields cost about 71 a customer, so 300 stay within the default cost limit (25,000). */
const PAGE_SIZE = 300;

/** Every customer with a field or more from each department: the export the target names. */
export const EXPORT_DOCUMENT = /* GraphQL */ `
  query AllCustomers($first: Int = ${PAGE_SIZE}, $after: String) {
    customers(first: $first, after: $after) {
      totalCount
      nodes {
        id
        name
        phones
        emails
        accounting {
          accountNumber
          balance
          overdueAmount
          currency
        }
        sales {
          lifetimeValue
          openOpportunities
          lastOrderAt
        }
        credit {
          riskBand
          limit
        }
        support {
          openTickets
          lastCallAt
        }
      }
    }
  }
`;

export interface ExportScenarioOptions {
  /**
   * Customers of the world exported (the target's is 100,000): the generator's count, which a
   * whole export must match.
   */
  scale: number;
  seed: number;
  latencyMs: number;
  jitterMs: number;
  /** The benchmark's entry root (dist/ or the repository) and bench dir, to start children from. */
  entryRoot: string;
  benchDir: string;
  /** Children started, for the benchmark to stop if it is interrupted. */
  started: ChildHandle[];
  /** Write a CPU profile of the exporting hub's main thread over the download to this file. */
  profileFile?: string;
  log: (message: string) => void;
}

interface Download {
  status: number;
  rows: number;
  bytes: number;
  ids: Set<string>;
  errorsTrailer: string | undefined;
  totalCount: number | null;
  firstProblem: string | null;
}

/** Streams the CSV, keeping only counts and the id column (the client's memory is not the hub's). */
function downloadCsv(url: string): Promise<Download> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, (response) => {
      const result: Download = {
        status: response.statusCode ?? 0,
        rows: 0,
        bytes: 0,
        ids: new Set(),
        errorsTrailer: undefined,
        totalCount: response.headers['x-total-count'] ? Number(response.headers['x-total-count']) : null,
        firstProblem: null,
      };
      let pending = '';
      let header = true;
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        if (result.status !== 200) {
          result.firstProblem ??= chunk.slice(0, 300);
          return;
        }
        result.bytes += Buffer.byteLength(chunk);
        pending += chunk;
        const lines = pending.split('\n');
        pending = lines.pop() ?? '';
        for (const line of lines) {
          if (header) {
            header = false;
            if (!line.startsWith('id,name,')) result.firstProblem = `unexpected header: ${line.slice(0, 80)}`;
            continue;
          }
          // The id (`cus_<hex>`) needs no quoting: the first cell is whatever comes before a comma.
          if (line.startsWith('cus_')) {
            result.rows += 1;
            result.ids.add(line.slice(0, line.indexOf(',')));
          }
        }
      });
      response.on('error', reject);
      response.on('aborted', () => reject(new Error('the hub cut the export short')));
      response.on('end', () => {
        result.errorsTrailer = response.trailers['switchboard-errors'];
        resolve(result);
      });
    });
    request.on('error', reject);
    request.end();
  });
}

/**
 * Starts silos and a hub at `scale` customers (embedded store on disk, as `npm start` runs it),
 * saves the export query, then downloads it once as CSV, checking that every customer came once
 * and with no error. The hub's peak RSS is over the export alone: its high-water mark is reset
 * (`/proc/<pid>/clear_refs`) when the export starts, and RSS is sampled as well.
 */
export async function csvExportScenario(options: ExportScenarioOptions): Promise<MeasuredRow> {
  const { log } = options;
  log(`export: starting silos with ${options.scale} customers`);
  const silos = await startSilosProcess(options.entryRoot, { ...options, names: SILO_NAMES });
  options.started.push(silos);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'switchboard-bench-export-'));
  try {
    const database = `switchboard_bench_${process.pid}_export`;
    const hubSpec = (syncOnStart: 'always' | 'never', drop: boolean) => ({
      label: 'export hub',
      overrides: {
        server: { host: '127.0.0.1', port: 0 },
        mongodb: process.env.MONGODB_URI ? {} : { dataDir },
        demo: { enabled: false },
        identity: { syncOnStart },
        limits: { rate: { requestsPerMinute: 0, refreshesPerMinute: 0 } },
        connectors: Object.fromEntries(Object.entries(silos.urls).map(([name, url]) => [name, { url, enabled: true }])),
      },
      env: {
        ...(process.env.MONGODB_URI ? { MONGODB_DB: database, ...(drop ? { BENCH_DROP_DATABASE: '1' } : {}) } : {}),
      },
    });
    // The identity sync in a hub of its own, then the export on a hub started over the synced
    // store, as a hub that has been serving for a while would run it: the sync's own peak (issue
    // 10, bench:growth) is not the export's.
    log('export: linking the customers (identity sync, in a hub that then stops)');
    const syncing = await startHubProcess(options.benchDir, hubSpec('always', false));
    options.started.push(syncing);
    await syncing.stop();
    log('export: starting the hub that exports, over the synced store');
    const hub = await startHubProcess(options.benchDir, hubSpec('never', true));
    options.started.push(hub);
    try {
      const saved = await postGraphQL<{ data?: unknown; errors?: Array<{ message: string }> }>(
        hub.url,
        JSON.stringify({
          query: 'mutation ($input: SaveQueryInput!) { saveQuery(input: $input) { name version } }',
          variables: { input: { name: 'all-customers', description: 'Every customer', document: EXPORT_DOCUMENT } },
        }),
      );
      if (saved.errors) throw new Error(`the export query was not saved: ${saved.errors[0].message}`);
      const origin = new URL(hub.url).origin;
      // Only the export's own peak: start-up and the identity sync have their own high-water mark.
      const startRss = await readRssMb(hub.pid);
      let hwmReset = true;
      try {
        for (const pid of [hub.pid, hub.storePid]) if (pid !== null) writeFileSync(`/proc/${pid}/clear_refs`, '5');
      } catch {
        hwmReset = false;
      }
      let download: Download | null = null;
      log(`export: downloading /queries/all-customers?format=csv (${options.scale} customers)`);
      const row = await measureRow(
        {
          id: 'csvExport',
          name: `saved-query CSV export of all ${options.scale.toLocaleString('en')} customers`,
          connectorsTouched: 4,
          hub: { pid: hub.pid, origin, storePid: hub.storePid },
          siloUrls: silos.urls,
        },
        async () => {
          if (options.profileFile) await hub.startProfile();
          const began = performance.now();
          // A transfer the hub cut short is this row's failure, not the end of the whole benchmark.
          let cut: string | null = null;
          download = await downloadCsv(`${origin}/queries/all-customers?format=csv`).catch((error: unknown) => {
            cut = (error as Error).message;
            return null;
          });
          const ms = performance.now() - began;
          if (options.profileFile) await hub.stopProfile(options.profileFile);
          // Whole: every customer the generator made, each once (not the hub's own count of them).
          const whole =
            download !== null &&
            download.status === 200 &&
            download.firstProblem === null &&
            download.errorsTrailer === '0' &&
            download.rows === download.ids.size &&
            download.rows === options.scale;
          return {
            sent: 1,
            completed: 1,
            failed: whole ? 0 : 1,
            elapsedS: Number((ms / 1000).toFixed(1)),
            rps: Number((1000 / ms).toFixed(4)),
            p50Ms: Math.round(ms),
            p95Ms: Math.round(ms),
            p99Ms: Math.round(ms),
            established: null,
            repeats: 0,
            firstFailure: whole
              ? null
              : download === null
                ? `the transfer broke off: ${cut}`
                : `status ${download.status}, ${download.rows} rows (${download.ids.size} distinct) of ${options.scale} ` +
                  `customers (X-Total-Count ${download.totalCount}), errors ${download.errorsTrailer ?? 'trailer missing'}` +
                  `${download.firstProblem ? `, ${download.firstProblem}` : ''}`,
          };
        },
      );
      const hwm = hwmReset ? await readRssMb(hub.pid, 'VmHWM') : null;
      const storeHwm = hwmReset && hub.storePid !== null ? await readRssMb(hub.storePid, 'VmHWM') : null;
      const peak = Math.max(row.peakRssMb ?? 0, hwm ?? 0) || null;
      const got = download as Download | null;
      const rows = got?.rows ?? 0;
      const seconds = row.elapsedS ?? 0;
      const notes = [
        `one operation is the whole export: ${rows.toLocaleString('en')} rows in ${Math.ceil(rows / PAGE_SIZE)} ${Math.ceil(rows / PAGE_SIZE) === 1 ? 'page' : 'pages'} of ${PAGE_SIZE}, ` +
          `${((got?.bytes ?? 0) / 1e6).toFixed(1)} MB of CSV, ${seconds > 0 ? Math.round(rows / seconds).toLocaleString('en') : '–'} rows/s`,
        hwmReset
          ? "peak RSS: the hub's high-water mark from the export's start (clear_refs), and 100 ms samples"
          : 'peak RSS: 100 ms samples (the high-water mark could not be reset here)',
        `hub RSS ${startRss === null ? '–' : Math.round(startRss)} MB when the export started`,
        process.env.MONGODB_URI
          ? 'store: MongoDB (MONGODB_URI)'
          : `embedded store on disk in its own process, as npm start runs it: its peak ${storeHwm === null ? '–' : Math.round(storeHwm)} MB, apart from the hub's; CPU counts both`,
        ...(row.note ? [row.note] : []),
      ];
      return { ...row, peakRssMb: peak === null ? null : Number(peak.toFixed(1)), note: notes.join('; ') };
    } finally {
      await hub.stop();
    }
  } finally {
    await silos.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
