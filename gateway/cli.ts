#!/usr/bin/env node
import './production-defaults';
import 'reflect-metadata';
import { ConfigError, loadConfig, type SwitchboardConfig } from '../config';
import { builtInConnectors } from '../connectors';
import { noMetrics } from '../connectors/kit';
import { syncIdentities, SyncError, type SyncReport } from '../schema/identity';
import { buildSnapshots, SnapshotError, type SnapshotReport } from '../schema/snapshot';
import { DataDirInUseError, openStore, type StoreConnection } from '../store';
import { prepareRepositories } from './repositories';
import { ADMIN_TOKEN_HEADER, readAdminToken, type FullSyncReport } from './admin';
import { createConnectors } from './connectors';
import { DemoSilosError, startDemoSilos, type DemoSilos } from './demo';
import { startHub } from './hub';
import { consoleLogger } from './logger';
import { writeSchemaFile } from './schema-file';
import { snapshotProgressView } from './sync-progress';

const USAGE = `Usage: switchboard <command>

Commands:
  start   serve the customer graph (with the demo department systems unless SWITCHBOARD_DEMO=0)
  sync    rebuild the identity map from every department's directory, then the customer-360
          snapshots (resuming a run that did not finish)
  schema  write the stitched schema to schema/switchboard.graphql

Configuration: defaults, then the JSON file in SWITCHBOARD_CONFIG, then environment variables
(PORT, HOST, MONGODB_URI, <CONNECTOR>_URL, ...). See the README's config reference.`;

async function start(config: SwitchboardConfig): Promise<void> {
  const silos: DemoSilos | null = config.demo.enabled ? await startDemoSilos(config) : null;
  if (silos)
    console.log(
      `Demo department systems: ${Object.entries(silos.urls)
        .map(([n, u]) => `${n} ${u}`)
        .join(', ')}`,
    );
  try {
    const hub = await startHub(config);
    console.log(
      `Store: ${hub.store.embedded ? `embedded MongoDB-compatible server (${config.mongodb.memory ? 'in memory' : config.mongodb.dataDir})` : 'MongoDB'}`,
    );
    console.log(`Switchboard is serving the customer graph at ${hub.url}`);
    const stop = async () => {
      await hub.close();
      await silos?.close();
      process.exit(0);
    };
    process.once('SIGINT', () => void stop());
    process.once('SIGTERM', () => void stop());
  } catch (error) {
    await silos?.close();
    throw error;
  }
}

function printIdentityReport(report: SyncReport): void {
  console.log(
    `Identity sync done in ${report.durationMs} ms: ${report.customers} customers ` +
      `(${report.linkedAcrossSystems} known to several systems), records ${JSON.stringify(report.records)}, ` +
      `${report.conflicts} conflicting links refused, ${report.removed} removed`,
  );
}

function printSnapshotReport(snapshot: SnapshotReport): void {
  console.log(
    `Snapshots done in ${snapshot.durationMs} ms: ${snapshot.customers} customers, ${snapshot.batches} batches` +
      `${snapshot.resumedFrom ? ` (resumed after ${snapshot.resumedFrom})` : ''}, ${snapshot.removed} removed`,
  );
}

/**
 * The embedded store's data file belongs to one process. When a running hub holds it, the
 * sync runs inside that hub, through its loopback-only admin route.
 */
async function syncThroughRunningHub(config: SwitchboardConfig, error: DataDirInUseError): Promise<void> {
  const url = `http://127.0.0.1:${config.server.port}/admin/sync`;
  const token = readAdminToken(config.mongodb.dataDir);
  const held = `${error.message} Stop the process that holds ${error.file} and run the sync again.`;
  if (token === null) throw new SyncError(`${held} (No hub admin token was found in ${config.mongodb.dataDir}.)`);
  console.log(`The data directory is in use by a running hub; syncing through it (${url})...`);
  let response: Response;
  try {
    response = await fetch(url, { method: 'POST', headers: { [ADMIN_TOKEN_HEADER]: token } });
  } catch {
    throw new SyncError(`${held} (No hub answers at ${url}.)`);
  }
  let body: FullSyncReport | { error: { message: string } };
  try {
    body = (await response.json()) as typeof body;
  } catch {
    throw new SyncError(`The hub at ${url} answered HTTP ${response.status} with something other than JSON`);
  }
  if ('error' in body) throw new SyncError(`The running hub's sync failed: ${body.error.message}`);
  printIdentityReport(body.identity);
  printSnapshotReport(body.snapshots);
}

async function sync(config: SwitchboardConfig): Promise<void> {
  let store: StoreConnection;
  try {
    store = await openStore(config.mongodb);
  } catch (error) {
    if (error instanceof DataDirInUseError) return syncThroughRunningHub(config, error);
    throw error;
  }
  let silos: DemoSilos | null = null;
  try {
    // With the cache on, the snapshot's reads also refresh the repository's copies, as in the hub.
    const runtime = {
      db: config.cache.enabled ? store.db : null,
      memoryEntries: 0,
      metrics: noMetrics,
      now: () => new Date(),
      warn: (m: string) => consoleLogger.warn(m),
    };
    const connectors = createConnectors(config, builtInConnectors, runtime);
    const health = await Promise.all(connectors.map((c) => c.health()));
    // Standalone `npm run sync` on a demo set-up: bring the demo systems up for the sync's duration.
    if (config.demo.enabled && health.some((h) => !h.ok)) silos = await startDemoSilos(config);
    const { identities: repository, snapshots } = await prepareRepositories(store, connectors);
    const counts: Record<string, number> = {};
    const report = await syncIdentities({
      connectors,
      repository,
      defaultCountry: config.identity.defaultCountry,
      pageSize: config.identity.pageSize,
      onProgress: process.stderr.isTTY
        ? ({ system, records }) => {
            counts[system] = records;
            process.stderr.write(
              `\rReading directories: ${Object.entries(counts)
                .map(([s, n]) => `${s} ${n}`)
                .join(', ')}   `,
            );
          }
        : undefined,
    });
    if (process.stderr.isTTY) process.stderr.write('\n');
    printIdentityReport(report);

    const view = snapshotProgressView();
    try {
      const snapshot = await buildSnapshots({
        connectors,
        identities: repository,
        snapshots,
        batchSize: config.snapshot.batchSize,
        onProgress: view.update,
      });
      view.stop(); // before the summary line, so it does not land on the bar's line
      printSnapshotReport(snapshot);
    } finally {
      view.stop();
    }
  } finally {
    await store.close();
    await silos?.close();
  }
}

async function main(argv: string[]): Promise<number> {
  const [command] = argv;
  if (command === undefined || command === '--help' || command === '-h') {
    console.log(USAGE);
    return command === undefined ? 2 : 0;
  }
  if (command === 'schema') {
    console.log(`Wrote ${writeSchemaFile()}`);
    return 0;
  }
  const config = loadConfig();
  if (command === 'start') await start(config);
  else if (command === 'sync') await sync(config);
  else {
    console.error(`Unknown command "${command}".\n\n${USAGE}`);
    return 2;
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== 0) process.exit(code);
  },
  (error: unknown) => {
    if (
      error instanceof ConfigError ||
      error instanceof SyncError ||
      error instanceof SnapshotError ||
      error instanceof DemoSilosError
    )
      consoleLogger.error(error.message);
    else consoleLogger.error('Switchboard stopped', error);
    process.exit(1);
  },
);
