import { parseArgs } from 'node:util';
import { ALL_SILO_NAMES, DEFAULT_SILO_PORTS, SILO_NAMES } from './apps';
import type { OptionalSiloName, SiloName } from './generator/types';
import { generateWorld, MAX_SCALE, OPTIONAL_SILO_NAMES } from './generator/world';
import { startSilos, type RunningSilos, type StartSilosOptions } from './start';

/** A command-line mistake: printed as one line, exit status 2. */
export class UsageError extends Error {}

const USAGE = `Usage: silos [--seed N] [--scale N] [--host H] [--latency-ms N] [--jitter-ms N]
             [--accounting-port N] [--sales-port N] [--credit-port N] [--support-port N]
             [--with marketing] [--marketing-port N] [--exit-with-parent]
Environment: SILO_SEED, SILO_SCALE, ACCOUNTING_PORT, SALES_PORT, CREDIT_PORT, SUPPORT_PORT,
MARKETING_PORT (flags win over the environment). Prints SILOS_READY {urls} once every silo listens.
--with marketing: also start the optional marketing silo (default: the four others only).
--exit-with-parent: stop when the IPC channel to the parent process closes (the hub's demo
mode uses it, so the silos die with the hub; it needs a parent that spawned them with 'ipc').`;

/** What the command line and environment ask for. */
export interface CliOptions extends Required<
  Pick<StartSilosOptions, 'seed' | 'scale' | 'host' | 'latencyMs' | 'jitterMs'>
> {
  ports: Record<SiloName, number>;
  /** The silos to start: the four default ones, then the optional ones `--with` names. */
  silos: SiloName[];
  /** Stop when the parent's IPC channel closes: the hub's demo child must not outlive the hub. */
  exitWithParent: boolean;
}

/** Reads a whole number in [min, max]; `source` names the flag or variable in the error. */
function integer(source: string, raw: string, min: number, max: number): number {
  const value = /^\d+$/.test(raw.trim()) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new UsageError(`${source} must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

/** Reads a non-negative number of milliseconds. */
function millis(source: string, raw: string): number {
  const value = /^\d+(\.\d+)?$/.test(raw.trim()) ? Number(raw) : Number.NaN;
  if (!Number.isFinite(value) || value > 600_000) {
    throw new UsageError(`${source} must be a number of milliseconds from 0 to 600000, got "${raw}"`);
  }
  return value;
}

/** The first of flag and environment variable that is set, with the name to blame if it is bad. */
function pick(
  flag: string,
  flagValue: string | undefined,
  envName: string,
  env: NodeJS.ProcessEnv,
): [string, string] | null {
  if (flagValue !== undefined) return [`--${flag}`, flagValue];
  const fromEnv = env[envName];
  return fromEnv === undefined || fromEnv === '' ? null : [envName, fromEnv];
}

/** Parses argv (without node and script) and the environment; throws `UsageError` on bad input. */
export function parseCliOptions(argv: readonly string[], env: NodeJS.ProcessEnv): CliOptions | 'help' {
  const portFlags = Object.fromEntries(ALL_SILO_NAMES.map((name) => [`${name}-port`, { type: 'string' as const }]));
  let values: Record<string, string | boolean | string[] | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        seed: { type: 'string' },
        scale: { type: 'string' },
        host: { type: 'string' },
        'latency-ms': { type: 'string' },
        'jitter-ms': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        'exit-with-parent': { type: 'boolean' },
        with: { type: 'string', multiple: true },
        ...portFlags,
      },
    }));
  } catch (error) {
    const message = (error as Error).message;
    const unknown = /^Unknown option '([^']+)'/.exec(message);
    throw new UsageError(unknown ? `unknown option ${unknown[1]} (see --help)` : message.split('\n')[0].split('. ')[0]);
  }
  if (values.help) return 'help';
  const str = (name: string): string | undefined => values[name] as string | undefined;
  const seed = pick('seed', str('seed'), 'SILO_SEED', env);
  const scale = pick('scale', str('scale'), 'SILO_SCALE', env);
  const latency = str('latency-ms');
  const jitter = str('jitter-ms');
  const ports = { ...DEFAULT_SILO_PORTS };
  for (const name of ALL_SILO_NAMES) {
    const port = pick(`${name}-port`, str(`${name}-port`), `${name.toUpperCase()}_PORT`, env);
    if (port) ports[name] = integer(port[0], port[1], 0, 65535);
  }
  return {
    seed: seed ? integer(seed[0], seed[1], 0, Number.MAX_SAFE_INTEGER) : 42,
    scale: scale ? integer(scale[0], scale[1], 1, MAX_SCALE) : 1000,
    host: str('host') || '127.0.0.1',
    latencyMs: latency === undefined ? 0 : millis('--latency-ms', latency),
    jitterMs: jitter === undefined ? 0 : millis('--jitter-ms', jitter),
    ports,
    silos: [...SILO_NAMES, ...optionalSilos(values.with as string[] | undefined)],
    exitWithParent: values['exit-with-parent'] === true,
  };
}

/** The optional silos `--with` names (repeated or comma-separated), each once, in their listed order. */
function optionalSilos(raw: readonly string[] | undefined): OptionalSiloName[] {
  const asked = new Set((raw ?? []).flatMap((value) => value.split(',')).map((name) => name.trim()));
  for (const name of asked) {
    if (!(OPTIONAL_SILO_NAMES as readonly string[]).includes(name)) {
      throw new UsageError(`--with must name optional silos (${OPTIONAL_SILO_NAMES.join(', ')}), got "${name}"`);
    }
  }
  return OPTIONAL_SILO_NAMES.filter((name) => asked.has(name));
}

async function main(): Promise<void> {
  let options: CliOptions | 'help';
  try {
    options = parseCliOptions(process.argv.slice(2), process.env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`silos: ${error.message}\n`);
    process.exit(2);
  }
  if (options === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (options.exitWithParent && !process.send) {
    process.stderr.write(
      'silos: --exit-with-parent needs an IPC channel to the parent process (spawn with stdio "ipc")\n',
    );
    process.exit(2);
  }
  let silos: RunningSilos | null = null;
  let stopping = false;
  const stop = (reason: string): void => {
    if (stopping) process.exit(1); // A second signal means "now".
    stopping = true;
    // Not listening yet: there is nothing to close, and exiting releases whatever is half open.
    if (silos === null) process.exit(0);
    silos.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`silos: failed to stop cleanly after ${reason}: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  // Registered before the world is generated (synchronous, seconds at a large scale), so a parent
  // that dies meanwhile is noticed as soon as the event loop runs. SIGKILL of the parent closes
  // the channel too, which no signal handler in the parent could do.
  if (options.exitWithParent) process.once('disconnect', () => stop('the parent process exited'));

  const started = process.hrtime.bigint();
  const optional = OPTIONAL_SILO_NAMES.filter((name) => options.silos.includes(name));
  const world = generateWorld({ seed: options.seed, scale: options.scale, with: optional });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  silos = await startSilos({ ...options, only: options.silos, world });
  process.stdout.write(
    `Demo department systems (seed ${options.seed}, scale ${options.scale}, generated in ${seconds.toFixed(1)} s):\n`,
  );
  for (const name of options.silos) process.stdout.write(`  ${name.padEnd(10)} ${silos.urls[name]}\n`);
  // The line a parent process waits for (see gateway/demo/child.ts).
  process.stdout.write(`SILOS_READY ${JSON.stringify(silos.urls)}\n`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`silos: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
