#!/usr/bin/env node
// The hub as the benchmark runs it: a child process of bench/run.ts, so the load generator never
// shares its event loop or its memory with what it measures. Not a public entry point.
import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { loadConfig, type SwitchboardConfigInput } from '../config';
import { startHub, type Hub, type HubLogger } from '../gateway';

const label = process.env.BENCH_HUB_LABEL ?? 'hub';

// Everything but the ready line goes to stderr: the parent reads stdout for HUB_READY only.
const logger: HubLogger = {
  info: (message) => process.stderr.write(`[${label}] ${message}\n`),
  warn: (message) => process.stderr.write(`[${label}] warning: ${message}\n`),
  error: (message, error) =>
    process.stderr.write(
      `[${label}] error: ${message} ${error instanceof Error ? error.stack : error === undefined ? '' : JSON.stringify(error)}\n`,
    ),
};

/** A request bench/processes.ts sends over the IPC channel, with its correlation id. */
type Request = { id: number } & (
  { type: 'profile-start' } | { type: 'profile-stop'; file: string } | { type: 'build-snapshots' }
);

/**
 * Serves the benchmark's requests between scenarios. The profiler runs through the inspector on
 * request, rather than `--cpu-prof` for the whole life of the process, so a profile covers one
 * scenario, not start-up, the identity sync and every other scenario.
 */
function serveRequests(hub: Hub): void {
  const session = new Session();
  session.connect();
  const post = (method: string, params?: object) =>
    new Promise<unknown>((resolve, reject) =>
      session.post(method, params ?? {}, (error, result) => (error ? reject(error) : resolve(result))),
    );
  const work = async (request: Request): Promise<string | undefined> => {
    switch (request.type) {
      case 'profile-start':
        await post('Profiler.enable');
        await post('Profiler.start');
        return undefined;
      case 'profile-stop': {
        const { profile } = (await post('Profiler.stop')) as { profile: unknown };
        writeFileSync(request.file, JSON.stringify(profile));
        return undefined;
      }
      case 'build-snapshots':
        return JSON.stringify(await hub.buildSnapshots());
    }
  };
  process.on('message', (request: Request) => {
    work(request).then(
      (message) => process.send?.({ id: request.id, ok: true, message }),
      (error: unknown) => process.send?.({ id: request.id, ok: false, message: (error as Error).message }),
    );
  });
  // The channel must not keep the process alive on its own; the HTTP server does that.
  process.channel?.unref();
}

async function main(): Promise<void> {
  const overrides = JSON.parse(process.env.BENCH_HUB_CONFIG ?? '{}') as SwitchboardConfigInput;
  // NODE_ENV=production is set for graphql-js's speed; the hub under test runs in demo mode
  // (no credentials), as the quick start does, unless the overrides enable authentication.
  const config = loadConfig({ env: process.env, overrides: { production: false, ...overrides } });
  const hub = await startHub(config, { logger });
  serveRequests(hub);
  const storePid =
    hub.store.embeddedPid !== null && hub.store.embeddedPid !== process.pid ? hub.store.embeddedPid : null;
  process.stdout.write(`HUB_READY ${JSON.stringify({ url: hub.url, storePid })}\n`);

  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) process.exit(1); // A second signal means "now".
    stopping = true;
    try {
      // A real MongoDB outlives the run: drop the run's own database so the next run starts cold.
      if (!hub.store.embedded && process.env.BENCH_DROP_DATABASE === '1') await hub.store.db.dropDatabase();
      await hub.close();
    } finally {
      process.exit(0);
    }
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
}

main().catch((error: unknown) => {
  logger.error('could not start', error);
  process.exit(1);
});
