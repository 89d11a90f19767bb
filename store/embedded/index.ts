// Public API of store/embedded/: an in-process MongoDB-compatible server the driver talks to over a Unix socket.
import fs from 'node:fs';
import { Engine } from './engine';
import { resolveOptions } from './options';
import { listen, type Endpoint } from './server';
import { prepareSocket, socketUri } from './socket';

export { DataDirInUseError } from './data-dir-error';
export { startEmbeddedMongoProcess } from './process';
export { startEmbeddedMongoThread } from './thread';

/** How to start the embedded server. Either `dataDir` or `memory: true` is required. */
export interface EmbeddedMongoOptions {
  /** Directory holding the data file (`switchboard.sqlite`); created if missing. Ignored when `memory` is true. */
  dataDir?: string;
  /** Keep everything in memory (tests). Default false. */
  memory?: boolean;
  /**
   * Also listen on TCP, without authentication: any local user (or anyone who can reach `host`)
   * can then read and write everything. Default false: only the Unix socket (0600, in a 0700
   * directory). `true` is `{ host: '127.0.0.1', port: 0 }` (any free port).
   */
  tcp?: boolean | { host?: string; port?: number };
  /** How often expired TTL documents are removed, ms. Default 1000. */
  ttlSweepMs?: number;
}

/** A running embedded server. */
export interface EmbeddedMongo {
  /** A connection string for `new MongoClient(uri)`: the Unix socket, percent-encoded. */
  uri: string;
  /** The Unix socket's path: `<dataDir>/mongod.sock`, or in a private temporary directory (memory mode, or a data directory path too long for a socket). */
  socketPath: string;
  /** The TCP listener, when `tcp` asked for one (`port` is the real one with port 0). */
  tcp: { port: number; uri: string } | null;
  /** The process whose memory and CPU the server uses: this one, or its own child process. */
  pid: number;
  /** Disconnects clients, stops the TTL sweep and closes the data file. Idempotent. */
  close(): Promise<void>;
}

/**
 * Starts a MongoDB-compatible server (wire version 21, i.e. MongoDB 7.0, standalone) backed by
 * SQLite, for when no real MongoDB is configured. It listens on a Unix socket only its owner can
 * open, and on TCP only when `tcp` says so.
 *
 * @example
 * const server = await startEmbeddedMongo({ dataDir: '.switchboard' });
 * const client = await new MongoClient(server.uri).connect();
 * // ... use client.db('switchboard') as with any MongoDB ...
 * await client.close();
 * await server.close();
 */
export async function startEmbeddedMongo(options: EmbeddedMongoOptions = {}): Promise<EmbeddedMongo> {
  const resolved = resolveOptions(options);
  const engine = new Engine(resolved.dataDir, resolved.ttlSweepMs);
  let socket;
  try {
    // After the engine: it holds the data file's lock, so a socket found here is a dead server's.
    socket = prepareSocket(resolved.dataDir);
  } catch (err) {
    engine.close();
    throw err;
  }
  const endpoints: Endpoint[] = [{ path: socket.path }];
  if (resolved.tcp) endpoints.push(resolved.tcp);
  let server;
  try {
    server = await listen(engine, endpoints);
    fs.chmodSync(socket.path, 0o600); // its directory (0700) keeps others out meanwhile
  } catch (err) {
    engine.close();
    socket.release();
    const where = resolved.tcp ? `${socket.path} and ${resolved.tcp.host}:${resolved.tcp.port}` : socket.path;
    throw new Error(`startEmbeddedMongo expected to listen on ${where}, but found: ${(err as Error).message}`);
  }
  engine.start();
  let tcp: EmbeddedMongo['tcp'] = null;
  if (resolved.tcp) {
    const host = resolved.tcp.host.includes(':') ? `[${resolved.tcp.host}]` : resolved.tcp.host;
    const port = server.ports[1]!;
    tcp = { port, uri: `mongodb://${host}:${port}/?directConnection=true` };
  }
  let closing: Promise<void> | null = null;
  return {
    uri: socketUri(socket.path),
    socketPath: socket.path,
    tcp,
    pid: process.pid,
    close: () =>
      (closing ??= server.close().then(() => {
        engine.close();
        socket.release();
      })),
  };
}
