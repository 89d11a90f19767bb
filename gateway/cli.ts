#!/usr/bin/env node
import 'reflect-metadata';
import { ConfigError, loadConfig, type SwitchboardConfig } from '../config';
import { bareRuntime, builtInConnectors } from '../connectors';
import { syncIdentities, SyncError } from '../schema/identity';
import { IdentityRepository, openStore } from '../store';
import { createConnectors } from './connectors';
import { startDemoSilos, type DemoSilos } from './demo';
import { startHub } from './hub';
import { consoleLogger } from './logger';
import { writeSchemaFile } from './schema-file';

const USAGE = `Usage: switchboard <command>

Commands:
  start   serve the customer graph (with the demo department systems unless SWITCHBOARD_DEMO=0)
  sync    re-read every department's customer directory and rebuild the identity map
  schema  write the stitched schema to schema/switchboard.graphql

Configuration: defaults, then the JSON file in SWITCHBOARD_CONFIG, then environment variables
(PORT, HOST, MONGODB_URI, <CONNECTOR>_URL, ...). See the README's config reference.`;

async function start(config: SwitchboardConfig): Promise<void> {
  const silos: DemoSilos | null = config.demo.enabled ? await startDemoSilos(config) : null;
  if (silos) console.log(`Demo department systems: ${Object.entries(silos.urls).map(([n, u]) => `${n} ${u}`).join(', ')}`);
  try {
    const hub = await startHub(config);
    console.log(`Store: ${hub.store.embedded ? `embedded MongoDB-compatible server (${config.mongodb.memory ? 'in memory' : config.mongodb.dataDir})` : 'MongoDB'}`);
    console.log(`Switchboard is serving the customer graph at ${hub.url}`);
    const stop = async () => {
      await hub.close();
      await silos?.close();
      process.exit(0);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  } catch (error) {
    await silos?.close();
    throw error;
  }
}

async function sync(config: SwitchboardConfig): Promise<void> {
  const connectors = createConnectors(config, builtInConnectors, bareRuntime());
  const health = await Promise.all(connectors.map((c) => c.health()));
  // Standalone `npm run sync` on a demo set-up: bring the demo systems up for the sync's duration.
  const silos = config.demo.enabled && health.some((h) => !h.ok) ? await startDemoSilos(config) : null;
  const store = await openStore(config.mongodb);
  try {
    const repository = new IdentityRepository(store.db);
    await repository.ensureIndexes();
    const counts: Record<string, number> = {};
    const report = await syncIdentities({
      connectors,
      repository,
      defaultCountry: config.identity.defaultCountry,
      pageSize: config.identity.pageSize,
      onProgress: process.stderr.isTTY
        ? ({ system, records }) => {
            counts[system] = records;
            process.stderr.write(`\rReading directories: ${Object.entries(counts).map(([s, n]) => `${s} ${n}`).join(', ')}   `);
          }
        : undefined,
    });
    if (process.stderr.isTTY) process.stderr.write('\n');
    console.log(
      `Identity sync done in ${report.durationMs} ms: ${report.customers} customers ` +
        `(${report.linkedAcrossSystems} known to several systems), records ${JSON.stringify(report.records)}, ` +
        `${report.conflicts} conflicting links refused, ${report.removed} removed`,
    );
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
    if (error instanceof ConfigError || error instanceof SyncError) consoleLogger.error(error.message);
    else consoleLogger.error('Switchboard stopped', error);
    process.exit(1);
  },
);
