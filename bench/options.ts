import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

/** A command-line mistake: printed as one line, exit status 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** What one benchmark run does; every field has a default (see `USAGE`). */
export interface BenchOptions {
  /** Demo customers the silos serve. */
  scale: number;
  /** Customers of the world the CSV export scenario exports (a world of its own). */
  exportScale: number;
  /** Seed of the demo data, so two runs serve the same customers. */
  seed: number;
  /** Latency each silo adds to every request, ms. */
  latencyMs: number;
  /** Up to this many ms more per silo request. */
  jitterMs: number;
  /** Seconds of load per scenario (an upper bound: a scenario also stops when its inputs run out). */
  durationS: number;
  /** Concurrent connections (or floor workers) per scenario. */
  connections: number;
  /** The small, fast variant a test runs to check the benchmark works. */
  quick: boolean;
  /** Where results.json, results.md and profiles/ go. */
  outDir: string;
  /**
   * The peer (Hive Gateway + GraphQL Mesh): `on` installs it when missing (`--peer`), `off` skips it
   * (`--no-peer`), `auto` is `on` for a full run and, for `--quick`, runs it only when installed.
   */
  peer: 'auto' | 'on' | 'off';
}

export const USAGE = `Usage: npm run bench -- [--scale N] [--seed N] [--latency-ms N] [--jitter-ms N]
                        [--duration S] [--connections N] [--quick] [--out DIR] [--peer | --no-peer]

  --scale N        demo customers (default 10000; --quick: 300)
  --export-scale N customers of the CSV export scenario's own world (default 100000; --quick: 300)
  --seed N         seed of the demo data (default 42)
  --latency-ms N   latency every silo request gets (default 20)
  --jitter-ms N    up to this much more, at random (default 5)
  --duration S     seconds of load per scenario, at most (default 10; --quick: 2)
  --connections N  concurrent connections (default 10; --quick: 2)
  --quick          a tiny run that only checks the benchmark works (results go to a temp dir)
  --out DIR        where results.json, results.md and profiles/ go (default bench/)
  --peer           measure the peer (Hive Gateway + Mesh), installing bench/peer/ when missing
                   (the default of a full run; --quick runs the peer only when already installed)
  --no-peer        leave the peer out`;

/** Bounds per flag: [min, max]; outside them the run would be meaningless or would not fit in memory. */
const LIMITS = {
  scale: [1, 100_000],
  'export-scale': [1, 100_000],
  seed: [0, Number.MAX_SAFE_INTEGER],
  'latency-ms': [0, 10_000],
  'jitter-ms': [0, 10_000],
  duration: [1, 3_600],
  connections: [1, 1_000],
} as const;

type NumericFlag = keyof typeof LIMITS;

function numberFlag(flag: NumericFlag, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const [min, max] = LIMITS[flag];
  const value = /^\d+$/.test(raw.trim()) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new UsageError(`--${flag} must be a whole number from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

/**
 * Parses the command line (without node and the script). `--quick` changes the defaults, never
 * a value given explicitly, and writes to a fresh temp dir so a test never overwrites the
 * committed results.
 *
 * @example
 * parseBenchOptions(['--scale', '2000', '--duration', '5'], '/repo/bench');
 */
export function parseBenchOptions(argv: readonly string[], defaultOutDir: string): BenchOptions | 'help' {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        scale: { type: 'string' },
        'export-scale': { type: 'string' },
        seed: { type: 'string' },
        'latency-ms': { type: 'string' },
        'jitter-ms': { type: 'string' },
        duration: { type: 'string' },
        connections: { type: 'string' },
        quick: { type: 'boolean' },
        out: { type: 'string' },
        peer: { type: 'boolean' },
        'no-peer': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    // parseArgs' messages run over several lines; keep the first sentence.
    throw new UsageError((error as Error).message.split('\n')[0].split('. ')[0]);
  }
  if (values.help) return 'help';
  const str = (name: string): string | undefined => values[name] as string | undefined;
  const quick = values.quick === true;
  const out = str('out');
  if (out !== undefined && out.trim() === '') throw new UsageError('--out must name a directory');
  if (values.peer && values['no-peer']) throw new UsageError('--peer and --no-peer cannot both be given');
  return {
    scale: numberFlag('scale', str('scale'), quick ? 300 : 10_000),
    exportScale: numberFlag('export-scale', str('export-scale'), quick ? 300 : 100_000),
    seed: numberFlag('seed', str('seed'), 42),
    latencyMs: numberFlag('latency-ms', str('latency-ms'), 20),
    jitterMs: numberFlag('jitter-ms', str('jitter-ms'), 5),
    durationS: numberFlag('duration', str('duration'), quick ? 2 : 10),
    connections: numberFlag('connections', str('connections'), quick ? 2 : 10),
    quick,
    outDir: path.resolve(out ?? (quick ? mkdtempSync(path.join(os.tmpdir(), 'switchboard-bench-')) : defaultOutDir)),
    peer: values.peer ? 'on' : values['no-peer'] ? 'off' : 'auto',
  };
}
