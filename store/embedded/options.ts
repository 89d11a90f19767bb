/**
 * Checks `startEmbeddedMongo` options and fills in defaults. Misconfiguration fails before
 * anything starts, with a sentence saying what was expected and what was found.
 */
import fs from 'node:fs';
import type { EmbeddedMongoOptions } from './index';

/** Options with defaults applied; `dataDir` is null in memory mode. */
export interface ResolvedOptions {
  dataDir: string | null;
  host: string;
  port: number;
  ttlSweepMs: number;
}

const KNOWN = ['dataDir', 'memory', 'host', 'port', 'ttlSweepMs'];

function show(value: unknown): string {
  return typeof value === 'string'
    ? `'${value}'`
    : value === undefined
      ? 'undefined'
      : // JSON.stringify gives undefined only for functions and symbols, whose String() is readable.
        // eslint-disable-next-line @typescript-eslint/no-base-to-string
        (JSON.stringify(value) ?? String(value));
}

function fail(expected: string, found: string): never {
  throw new Error(`startEmbeddedMongo expected ${expected}, but found ${found}.`);
}

/** Validates options; throws an Error naming the expectation and what was found. */
export function resolveOptions(options: EmbeddedMongoOptions | undefined): ResolvedOptions {
  if (options === undefined || options === null || typeof options !== 'object' || Array.isArray(options)) {
    fail('an options object ({ dataDir } or { memory: true })', show(options));
  }
  const unknown = Object.keys(options).filter((k) => !KNOWN.includes(k));
  if (unknown.length > 0) fail(`only the options ${KNOWN.join(', ')}`, unknown.map(show).join(', '));
  const { dataDir, memory = false, host = '127.0.0.1', port = 0, ttlSweepMs = 1000 } = options;
  if (typeof memory !== 'boolean') fail('options.memory to be a boolean', show(memory));
  if (typeof host !== 'string' || host === '') fail('options.host to be a non-empty host name or address', show(host));
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    fail('options.port to be an integer from 0 to 65535', show(port));
  if (typeof ttlSweepMs !== 'number' || !Number.isFinite(ttlSweepMs) || ttlSweepMs <= 0) {
    fail('options.ttlSweepMs to be a positive number of milliseconds', show(ttlSweepMs));
  }
  if (memory) return { dataDir: null, host, port, ttlSweepMs };
  if (dataDir === undefined) fail('options.dataDir (a directory for the data file) or options.memory: true', 'neither');
  if (typeof dataDir !== 'string' || dataDir.trim() === '')
    fail('options.dataDir to be a directory path', show(dataDir));
  const stat = fs.statSync(dataDir, { throwIfNoEntry: false });
  if (stat && !stat.isDirectory()) fail(`options.dataDir to be a directory`, `a file at ${dataDir}`);
  return { dataDir, host, port, ttlSweepMs };
}
