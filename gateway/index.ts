// Public API of gateway/: start a hub, or build its pieces for tests and embedding.
export { startHub } from './hub';
export type { Hub, StartHubOptions } from './hub';
export type { ReloadReport } from '../schema/hub';
export { reloadOnSignal, RELOAD_SIGNAL } from './reload-signal';
export { buildGatewaySchema } from './stitch';
export { createContextFactory } from './context';
export { createGatewayServer, GRAPHQL_PATH } from './server';
export { startDemoSilos, demoSiloPorts, DemoSilosError, DEFAULT_RESTART_DELAYS_MS, DEMO_RECORD_FILE } from './demo';
export type { DemoSilos, DemoSilosOptions } from './demo';
export { consoleLogger, silentLogger } from './logger';
export type { HubLogger } from './logger';
export { buildDefaultGatewaySchema, renderSchemaFile, SCHEMA_FILE } from './schema-file';
export { HubMetrics } from './metrics';
export { createSnapshotRunner } from './snapshot-schedule';
export type {
  SnapshotRunner,
  SnapshotRunnerOptions,
  SnapshotRunControls,
  SnapshotRunWanted,
} from './snapshot-schedule';
export { ApolloServerPluginFreshness } from './plugins/freshness';
export type { FreshnessPluginOptions } from './plugins/freshness';
export { signNotice, SIGNATURE_HEADER, TIMESTAMP_HEADER, NOTICE_TOLERANCE_SECONDS, MAX_NOTICE_KEYS } from './webhooks';
