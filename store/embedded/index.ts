// Public API of store/embedded/: an in-process MongoDB-compatible server the driver talks to over TCP.
import { Engine } from './engine';
import { resolveOptions } from './options';
import { listen } from './server';

export { DataDirInUseError } from './sqlite';
export { startEmbeddedMongoThread } from './thread';

/** How to start the embedded server. Either `dataDir` or `memory: true` is required. */
export interface EmbeddedMongoOptions {
  /** Directory holding the data file (`switchboard.sqlite`); created if missing. Ignored when `memory` is true. */
  dataDir?: string;
  /** Keep everything in memory (tests). Default false. */
  memory?: boolean;
  /** Address to listen on. Default '127.0.0.1'. */
  host?: string;
  /** Port to listen on. Default 0 (any free port). */
  port?: number;
  /** How often expired TTL documents are removed, ms. Default 1000. */
  ttlSweepMs?: number;
}

/** A running embedded server. */
export interface EmbeddedMongo {
  /** A connection string for `new MongoClient(uri)`. */
  uri: string;
  /** The port it listens on (useful with `port: 0`). */
  port: number;
  /** Disconnects clients, stops the TTL sweep and closes the data file. Idempotent. */
  close(): Promise<void>;
}

/**
 * Starts a MongoDB-compatible server (wire version 21, i.e. MongoDB 7.0, standalone) backed by
 * SQLite, for when no real MongoDB is configured.
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
  let server;
  try {
    server = await listen(engine, resolved.host, resolved.port);
  } catch (err) {
    engine.close();
    throw new Error(
      `startEmbeddedMongo expected to listen on ${resolved.host}:${resolved.port}, but found: ${(err as Error).message}`,
    );
  }
  engine.start();
  const host = resolved.host.includes(':') ? `[${resolved.host}]` : resolved.host;
  let closing: Promise<void> | null = null;
  return {
    uri: `mongodb://${host}:${server.port}/?directConnection=true`,
    port: server.port,
    close: () => (closing ??= server.close().then(() => engine.close())),
  };
}
