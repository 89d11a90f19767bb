import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { createInterface } from 'node:readline';
import type { SwitchboardConfig } from '../config';
import { discoverConnectors } from './connector-discovery';
import { loadConnectorDeclaration } from './declarations';
import { noMetrics } from './runtime';
import { syncIdentities, SyncError, type SyncReport } from '../schema/identity';
import { buildSnapshots, type SnapshotReport } from '../schema/snapshot';
import { DataDirInUseError, openStore, readPreferenceNotice, type StoreConnection } from '../store';
import { ADMIN_TOKEN_HEADER, readAdminToken, type FullSyncReport, type SyncEvent } from './admin';
import { createConnectors } from './connectors';
import { startDemoSilos, type DemoSilos } from './demo';
import { consoleLogger } from './logger';
import { openRecordStore, prepareRepositories } from './repositories';
import { CUSTOMER_MAP_LEASE, StoreLease } from '../store/lease';
import { identityProgressView, snapshotProgressView } from './sync-progress';

/** Where `npm run sync` shows its progress: the identity sync's, then the snapshot run's. */
export interface SyncViews {
  identity: ReturnType<typeof identityProgressView>;
  snapshots: ReturnType<typeof snapshotProgressView>;
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
 * Runs a full sync inside the hub at `url` (`POST /admin/sync`), showing its progress as the
 * hub streams it, and resolves with the report. A SyncError when the hub cannot be reached, or
 * answers anything but the stream, or the sync fails.
 */
export async function syncThroughHub(url: string, token: string, views: SyncViews): Promise<FullSyncReport> {
  let response: Response;
  try {
    response = await fetch(url, { method: 'POST', headers: { [ADMIN_TOKEN_HEADER]: token } });
  } catch {
    throw new SyncError(`No hub answers at ${url}.`);
  }
  if (!response.ok || response.body === null) {
    const text = await response.text().catch(() => '');
    const message = /"message":"([^"]{1,300})"/.exec(text)?.[1] ?? `HTTP ${response.status}`;
    throw new SyncError(`The hub at ${url} refused the sync: ${message}`);
  }
  const lines = createInterface({ input: Readable.fromWeb(response.body as WebReadableStream<Uint8Array>) });
  let outcome: FullSyncReport | null = null;
  try {
    for await (const line of lines) {
      if (line.trim() === '') continue;
      let event: SyncEvent;
      try {
        event = JSON.parse(line) as SyncEvent;
      } catch {
        throw new SyncError(`The hub at ${url} answered a line that is not JSON: ${line.slice(0, 80)}`);
      }
      if (event.event === 'identity') views.identity.update(event);
      else if (event.event === 'snapshots') {
        views.identity.stop();
        views.snapshots.update(event);
      } else if (event.event === 'error') throw new SyncError(`The running hub's sync failed: ${event.error.message}`);
      else outcome = event.report;
    }
  } finally {
    views.identity.stop();
    views.snapshots.stop();
  }
  if (outcome === null) throw new SyncError(`The hub at ${url} ended the sync's answer before its report`);
  return outcome;
}

/**
 * The embedded store's data file belongs to one process. When a running hub holds it, the
 * sync runs inside that hub, through its loopback-only admin route.
 */
async function syncInRunningHub(config: SwitchboardConfig, error: DataDirInUseError): Promise<void> {
  const url = `http://127.0.0.1:${config.server.port}/admin/sync`;
  const token = readAdminToken(config.mongodb.dataDir);
  const held = `${error.message} Stop the process that holds ${error.file} and run the sync again.`;
  if (token === null) throw new SyncError(`${held} (No hub admin token was found in ${config.mongodb.dataDir}.)`);
  console.log(`The data directory is in use by a running hub; syncing through it (${url})...`);
  const report = await syncThroughHub(url, token, {
    identity: identityProgressView(),
    snapshots: snapshotProgressView(),
  }).catch((cause: unknown) => {
    if (cause instanceof SyncError && cause.message.startsWith('No hub answers')) {
      throw new SyncError(`${held} (${cause.message})`);
    }
    throw cause;
  });
  printIdentityReport(report.identity);
  printSnapshotReport(report.snapshots);
}

/**
 * `switchboard sync`: rebuilds the identity map, then the snapshots, with progress on stderr;
 * inside the running hub when one holds the embedded data file.
 */
export async function runSyncCommand(config: SwitchboardConfig): Promise<void> {
  let store: StoreConnection;
  try {
    store = await openStore(config.mongodb);
    const primaryOnly = readPreferenceNotice(store);
    if (primaryOnly) consoleLogger.warn(primaryOnly);
  } catch (error) {
    if (error instanceof DataDirInUseError) return syncInRunningHub(config, error);
    throw error;
  }
  let silos: DemoSilos | null = null;
  let connectors: ReturnType<typeof createConnectors> = [];
  try {
    // With the cache on, the snapshot's reads also refresh the repository's copies, as in the hub.
    const runtime = {
      records: openRecordStore(config, store),
      memoryEntries: 0,
      metrics: noMetrics,
      now: () => new Date(),
      warn: (m: string) => consoleLogger.warn(m),
    };
    connectors = createConnectors(config, discoverConnectors(config, loadConnectorDeclaration), runtime);
    const health = await Promise.all(connectors.map((c) => c.health()));
    // Standalone `npm run sync` on a demo set-up: bring the demo systems up for the sync's duration.
    if (config.demo.enabled && health.some((h) => !h.ok)) silos = await startDemoSilos(config);
    const { identities: repository, snapshots } = await prepareRepositories(store, connectors);
    // With a real MongoDB a hub may be rebuilding the map right now: the lease keeps the two apart.
    const lease = new StoreLease(store.db, CUSTOMER_MAP_LEASE, 10 * 60_000, undefined, store.deadlines.batchMs);
    const identityView = identityProgressView();
    try {
      const report = await syncIdentities({
        connectors,
        repository,
        defaultCountry: config.identity.defaultCountry,
        pageSize: config.identity.pageSize,
        onProgress: identityView.update,
        lease,
      });
      identityView.stop();
      printIdentityReport(report);
    } finally {
      identityView.stop();
    }

    const view = snapshotProgressView();
    try {
      const snapshot = await buildSnapshots({
        connectors,
        identities: repository,
        snapshots,
        batchSize: config.snapshot.batchSize,
        onProgress: view.update,
        lease,
      });
      view.stop(); // before the summary line, so it does not land on the bar's line
      printSnapshotReport(snapshot);
    } finally {
      view.stop();
    }
  } finally {
    // Write-backs still queued go to the repository before its client closes.
    await Promise.all(connectors.map((c) => c.settle()));
    await store.close();
    await silos?.close();
  }
}
