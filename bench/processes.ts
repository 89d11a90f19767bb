import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
// From its own file, not the gateway's index: that would load the whole hub (and type-graphql's
// decorators, which need reflect-metadata first) into the load generator.
import { HUB_NODE_FLAGS } from '../gateway/heap-budget';

/** A child process the benchmark started and will stop. */
export interface ChildHandle {
  readonly pid: number;
  readonly process: ChildProcess;
  /** SIGTERM, then SIGKILL if it has not exited after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

/** The demo silos, in their own process. */
export interface SilosProcess extends ChildHandle {
  /** Base URL per silo, by silo name. */
  readonly urls: Record<string, string>;
}

/** A hub, in its own process. */
export interface HubProcess extends ChildHandle {
  /** The GraphQL endpoint. */
  readonly url: string;
  /** The hub's origin (for `/metrics`). */
  readonly origin: string;
  /** The embedded store's process, when the hub runs it as a child; null when it is in the hub or a real MongoDB. */
  readonly storePid: number | null;
  /** Starts the V8 CPU profiler inside the hub (over the IPC channel); resolves once it runs. */
  startProfile(): Promise<void>;
  /** Stops it and writes the `.cpuprofile` to `file`; resolves once written. */
  stopProfile(file: string): Promise<void>;
  /** Builds the customer-360 snapshots inside the hub; resolves to its report (JSON). */
  buildSnapshots(): Promise<string>;
}

const live = new Set<ChildProcess>();
// A benchmark that dies must not leave a hub or the silos running on the machine.
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/**
 * The command that runs one of the project's entry points: the compiled `dist/...js` next to
 * this file when it exists, else the TypeScript source through ts-node (as gateway/demo/child.ts does),
 * so the benchmark also runs from source in a test without a build.
 */
export function nodeEntry(fromDir: string, relativeNoExt: string): string[] {
  const compiled = path.join(fromDir, `${relativeNoExt}.js`);
  if (existsSync(compiled)) return [compiled];
  return ['-r', 'ts-node/register/transpile-only', path.join(fromDir, `${relativeNoExt}.ts`)];
}

/**
 * The node flags hub processes start with: the hub's heap budget, as `npm start` passes it, or
 * `BENCH_HUB_NODE_FLAGS` (space-separated; empty for node's defaults) to measure another.
 */
export function hubNodeFlags(): readonly string[] {
  const given = process.env.BENCH_HUB_NODE_FLAGS;
  return given === undefined ? HUB_NODE_FLAGS : given.split(/\s+/).filter((flag) => flag !== '');
}

/** Tracks a spawned child (killed if the benchmark dies) and gives it a `stop`. */
export function handle(child: ChildProcess): ChildHandle {
  live.add(child);
  child.once('exit', () => live.delete(child));
  return {
    pid: child.pid!,
    process: child,
    stop: (graceMs = 10_000) =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}

/** Waits for the line `<MARKER> {json}` on the child's stdout; other lines go to stderr, prefixed. */
function readyLine<T>(child: ChildProcess, marker: string, label: string, timeoutMs: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${label} did not print ${marker} within ${timeoutMs} ms`));
    }, timeoutMs);
    const lines = createInterface({ input: child.stdout! });
    let ready = false;
    lines.on('line', (line) => {
      if (ready || !line.startsWith(`${marker} `)) {
        process.stderr.write(`[${label}] ${line}\n`);
        return;
      }
      ready = true;
      clearTimeout(timer);
      resolve(JSON.parse(line.slice(marker.length + 1)) as T);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (!ready) reject(new Error(`${label} exited (${signal ?? `code ${code}`}) before printing ${marker}`));
    });
  });
}

/** How to start the silos. */
export interface SilosSpec {
  scale: number;
  seed: number;
  latencyMs: number;
  jitterMs: number;
  /** Silo names, for their `--<name>-port 0` flags (free ports chosen by the OS). */
  names: readonly string[];
}

/** Starts the demo silos in a child process (dist/silos/cli.js or its source) on free loopback ports. */
export async function startSilosProcess(repoDistOrSourceRoot: string, spec: SilosSpec): Promise<SilosProcess> {
  const flags = ['--host', '127.0.0.1', '--scale', String(spec.scale), '--seed', String(spec.seed)];
  flags.push('--latency-ms', String(spec.latencyMs), '--jitter-ms', String(spec.jitterMs));
  for (const name of spec.names) flags.push(`--${name}-port`, '0');
  const child = spawn(process.execPath, [...nodeEntry(repoDistOrSourceRoot, 'silos/cli'), ...flags], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const base = handle(child);
  const urls = await readyLine<Record<string, string>>(child, 'SILOS_READY', 'silos', 120_000);
  return { ...base, urls };
}

/** How to start a hub process (see bench/hub-process.ts for what it does with these). */
export interface HubSpec {
  /** Shown in messages: "hub", "naive hub". */
  label: string;
  /** Config overrides, merged last over defaults and the environment. */
  overrides: Record<string, unknown>;
  /** Extra environment for the child (e.g. a MongoDB database name). */
  env?: Record<string, string>;
}

/** A request to the hub child over IPC (see bench/hub-process.ts), and its answer. */
export type HubRequest =
  { type: 'profile-start' } | { type: 'profile-stop'; file: string } | { type: 'build-snapshots' };
interface HubReply {
  id: number;
  ok: boolean;
  /** The error's message, or what the work reports (e.g. the snapshot report as JSON). */
  message?: string;
}

/**
 * Starts a hub in a child process with an IPC channel, which the benchmark uses to run work
 * inside the hub between scenarios: start and stop the CPU profiler (so a profile covers exactly
 * one scenario, not start-up) and build the customer-360 snapshots the filter scenario needs.
 */
export async function startHubProcess(benchDir: string, spec: HubSpec): Promise<HubProcess> {
  const child = spawn(process.execPath, [...hubNodeFlags(), ...nodeEntry(benchDir, 'hub-process')], {
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    // The hub's heap budget and production mode, as `npm start` runs the hub (graphql-js skips
    // its development checks).
    env: {
      ...process.env,
      NODE_ENV: 'production',
      ...spec.env,
      BENCH_HUB_CONFIG: JSON.stringify(spec.overrides),
      BENCH_HUB_LABEL: spec.label,
    },
  });
  const base = handle(child);
  const { url, storePid } = await readyLine<{ url: string; storePid: number | null }>(
    child,
    'HUB_READY',
    spec.label,
    300_000,
  );

  let nextId = 1;
  const ask = (request: HubRequest): Promise<string | undefined> =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      const onMessage = (reply: HubReply) => {
        if (reply.id !== id) return;
        child.off('message', onMessage);
        child.off('exit', onExit);
        if (reply.ok) resolve(reply.message);
        else reject(new Error(`${spec.label}: ${request.type} failed: ${reply.message}`));
      };
      const onExit = () => reject(new Error(`${spec.label} exited during ${request.type}`));
      child.on('message', onMessage);
      child.once('exit', onExit);
      child.send({ ...request, id });
    });

  return {
    ...base,
    url,
    origin: new URL(url).origin,
    storePid,
    startProfile: async () => void (await ask({ type: 'profile-start' })),
    stopProfile: async (file) => void (await ask({ type: 'profile-stop', file })),
    buildSnapshots: async () => (await ask({ type: 'build-snapshots' })) ?? '',
  };
}
