#!/usr/bin/env node
import { givenNodeEnv } from './production-defaults';
import 'reflect-metadata';
import { ConfigError, loadConfig, type SwitchboardConfig } from '../config';
import { SyncError } from '../schema/identity';
import { SnapshotError } from '../schema/snapshot';
import { DemoSilosError, startDemoSilos, type DemoSilos } from './demo';
import { startHub } from './hub';
import { consoleLogger } from './logger';
import { heapBudgetLine } from './heap-budget';
import { writeSchemaFile } from './schema-file';
import { runSyncCommand } from './sync-command';
import { KeysCommandError, runKeysCommand } from './keys-command';
import { reloadOnSignal } from './reload-signal';
import { runConnectorCommand } from './connector-command';
import { runQueryCommand } from './query-command';

const USAGE = `Usage: switchboard <command>

Commands:
  start   serve the customer graph (with the demo department systems unless SWITCHBOARD_DEMO=0)
  sync    rebuild the identity map from every department's directory, then the customer-360
          snapshots (resuming a run that did not finish)
  keys    create, list and revoke API keys: keys create --name N --roles a,b | keys list | keys revoke ID
  schema  write the stitched schema to schema/switchboard.graphql
  query   saved queries on a running hub: query list | show <name> | save <name> --file F
          --description D | run <name> [--var k=v] [--format json|ndjson|csv|table] [--out F] |
          delete <name> (see query --help)
  connector  tools for writing connectors: connector new <name> [--out DIR] [--from-openapi URL] |
          connector import <openapi> --name N | connector check <name> [--keys a,b,c] (see connector --help)

Configuration: defaults, then the JSON file in SWITCHBOARD_CONFIG, then environment variables
(PORT, HOST, MONGODB_URI, <CONNECTOR>_URL, ...). See the README's config reference.

Reloading: send SIGHUP to \`switchboard start\` (kill -HUP <pid>), or run the admin mutation
reloadConnectors, to re-read the configuration and the access policy and swap in the connectors
they describe without a restart. Operations under way finish on the previous connectors; a
configuration that does not start is refused, logged, and the previous one keeps serving.`;

async function start(config: SwitchboardConfig, readConfig: () => SwitchboardConfig): Promise<void> {
  const silos: DemoSilos | null = config.demo.enabled ? await startDemoSilos(config) : null;
  if (silos)
    console.log(
      `Demo department systems: ${Object.entries(silos.urls)
        .map(([n, u]) => `${n} ${u}`)
        .join(', ')}`,
    );
  try {
    const hub = await startHub(config, { reloadConfig: readConfig });
    console.log(
      `Store: ${hub.store.embedded ? `embedded MongoDB-compatible server (${config.mongodb.memory ? 'in memory' : config.mongodb.dataDir})` : 'MongoDB'}`,
    );
    if (hub.demoKeys.length > 0) {
      console.log(
        'DEMO MODE: no authentication is configured, so anonymous requests act as admin. ' +
          'Set auth.enabled (SWITCHBOARD_AUTH=1) before anyone else can reach this hub. Demo API keys, one per role:',
      );
      for (const key of hub.demoKeys)
        console.log(`  ${key.roles.join(',').padEnd(13)} Authorization: Bearer ${key.token}`);
    }
    let stopping = false;
    const stop = async () => {
      if (stopping) return; // a second signal while closing must not cut the close short
      stopping = true;
      try {
        await hub.close();
        await silos?.close();
        process.exit(0);
      } catch (error) {
        consoleLogger.error('Switchboard did not stop cleanly', error);
        process.exit(1);
      }
    };
    // Before the ready line: whoever reads it may signal at once, and a signal that finds no
    // handler kills the process with the store and the demo systems still open.
    process.on('SIGINT', () => void stop());
    process.on('SIGTERM', () => void stop());
    reloadOnSignal(() => hub.reload(), consoleLogger);
    console.log(`Switchboard is serving the customer graph at ${hub.url}`);
  } catch (error) {
    await silos?.close();
    throw error;
  }
}

async function main(argv: string[]): Promise<number> {
  const [command] = argv;
  if (command === undefined || command === '--help' || command === '-h') {
    console.log(USAGE);
    return command === undefined ? 2 : 0;
  }
  if (command === 'connector')
    return runConnectorCommand(
      argv.slice(1),
      { out: (line) => console.log(line), err: (line) => console.error(line) },
      { env: { ...process.env, NODE_ENV: givenNodeEnv } },
    );
  if (command === 'query')
    return runQueryCommand(
      argv.slice(1),
      { out: (line) => console.log(line), err: (line) => console.error(line) },
      {
        env: process.env,
      },
    );
  if (command === 'schema') {
    console.log(`Wrote ${writeSchemaFile()}`);
    return 0;
  }
  // Production mode follows NODE_ENV as the operator set it, not the CLI's own default.
  const readConfig = () => loadConfig({ env: { ...process.env, NODE_ENV: givenNodeEnv } });
  const config = readConfig();
  // Before the work: a sync that runs out of heap must have said under which limit.
  if (command === 'start' || command === 'sync') console.log(heapBudgetLine());
  if (command === 'start') await start(config, readConfig);
  else if (command === 'sync') await runSyncCommand(config);
  else if (command === 'keys') return runKeysCommand(config, argv.slice(1));
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
      error instanceof DemoSilosError ||
      error instanceof KeysCommandError
    )
      consoleLogger.error(error.message);
    else consoleLogger.error('Switchboard stopped', error);
    process.exit(1);
  },
);
