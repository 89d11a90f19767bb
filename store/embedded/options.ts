/**
 * Checks `startEmbeddedMongo` options and fills in defaults. Misconfiguration fails before
 * anything starts, with a sentence saying what was expected and what was found.
 */
import fs from 'node:fs';
import type { EmbeddedMongoOptions } from './index';

/** Options with defaults applied; `dataDir` is null in memory mode. */
export interface ResolvedOptions {
  dataDir: string | null;
  /** Where to listen on TCP besides the socket; null: the socket only. */
  tcp: { host: string; port: number } | null;
  ttlSweepMs: number;
}

const KNOWN = ['dataDir', 'memory', 'tcp', 'ttlSweepMs'];
const KNOWN_TCP = ['host', 'port'];

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
  const { dataDir, memory = false, ttlSweepMs = 1000 } = options;
  if (typeof memory !== 'boolean') fail('options.memory to be a boolean', show(memory));
  const tcp = resolveTcp(options.tcp);
  if (typeof ttlSweepMs !== 'number' || !Number.isFinite(ttlSweepMs) || ttlSweepMs <= 0) {
    fail('options.ttlSweepMs to be a positive number of milliseconds', show(ttlSweepMs));
  }
  if (memory) return { dataDir: null, tcp, ttlSweepMs };
  if (dataDir === undefined) fail('options.dataDir (a directory for the data file) or options.memory: true', 'neither');
  if (typeof dataDir !== 'string' || dataDir.trim() === '')
    fail('options.dataDir to be a directory path', show(dataDir));
  const stat = fs.statSync(dataDir, { throwIfNoEntry: false });
  if (stat && !stat.isDirectory()) fail(`options.dataDir to be a directory`, `a file at ${dataDir}`);
  return { dataDir, tcp, ttlSweepMs };
}

/** `tcp` absent or false: socket only; true or an object: also TCP, by default on 127.0.0.1, any free port. */
function resolveTcp(tcp: EmbeddedMongoOptions['tcp']): ResolvedOptions['tcp'] {
  if (tcp === undefined || tcp === false) return null;
  if (tcp === true) return { host: '127.0.0.1', port: 0 };
  if (tcp === null || typeof tcp !== 'object' || Array.isArray(tcp))
    fail('options.tcp to be a boolean or { host, port }', show(tcp));
  const unknown = Object.keys(tcp).filter((k) => !KNOWN_TCP.includes(k));
  if (unknown.length > 0) fail(`only the options tcp.${KNOWN_TCP.join(', tcp.')}`, unknown.map(show).join(', '));
  const { host = '127.0.0.1', port = 0 } = tcp;
  if (typeof host !== 'string' || host === '')
    fail('options.tcp.host to be a non-empty host name or address', show(host));
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    fail('options.tcp.port to be an integer from 0 to 65535', show(port));
  return { host, port };
}
