import { MongoClient, ReadPreference, type Db } from 'mongodb';
import { defaultRepositoryDeadlines, type RepositoryDeadlines } from './deadline';
import {
  startEmbeddedMongo,
  startEmbeddedMongoProcess,
  startEmbeddedMongoThread,
  type EmbeddedMongo,
  type EmbeddedMongoOptions,
} from './embedded';

/** Where the embedded server can run. */
export type EmbeddedIn = 'process' | 'thread' | 'inline';

const START_EMBEDDED: Record<EmbeddedIn, (options: EmbeddedMongoOptions) => Promise<EmbeddedMongo>> = {
  process: startEmbeddedMongoProcess,
  thread: startEmbeddedMongoThread,
  inline: startEmbeddedMongo,
};

/** Where the hub's repository is. */
export interface StoreOptions {
  /** A MongoDB connection string; null starts the embedded server. */
  uri: string | null;
  database: string;
  /** The embedded server's data directory. */
  dataDir: string;
  /** Keep the embedded server's data in memory only. */
  memory: boolean;
  /**
   * Where the embedded server runs: its own child process (default), a worker thread of this
   * process, or this process's event loop (tests).
   */
  embeddedIn?: EmbeddedIn;
  /**
   * Also let the embedded server listen on TCP (no authentication: any local user gets in).
   * Default null: only its Unix socket, which only this user can open.
   */
  embeddedTcp?: { host: string; port: number } | null;
  /** Deadline on a store call a request waits on, ms (default 2000). */
  operationTimeoutMs?: number;
  /** Deadline on one operation of a sync or snapshot run, ms (default 60000). */
  batchOperationTimeoutMs?: number;
}

/** Callbacks on the connection's traffic. */
export interface StoreHooks {
  /** Called with each command's name as the driver sends it: one call per round trip. */
  onCommand?: (commandName: string) => void;
}

/** An open connection to the repository, through the official driver either way. */
export interface StoreConnection {
  readonly client: MongoClient;
  readonly db: Db;
  /** The connection string in use (the embedded server's, when it runs). */
  readonly uri: string;
  /** True when the hub started its own embedded server. */
  readonly embedded: boolean;
  /** The embedded server's TCP connection string, when `embeddedTcp` asked for one. */
  readonly embeddedTcpUri: string | null;
  /** The process the embedded server runs in (this one unless `embeddedIn` is `process`); null with a real MongoDB. */
  readonly embeddedPid: number | null;
  /** The deadlines repositories on this connection use (from `operationTimeoutMs`, `batchOperationTimeoutMs`). */
  readonly deadlines: RepositoryDeadlines;
  /**
   * The read preference the connection string asked for when it was not the primary (which
   * `db` reads from regardless; see `openStore`); null when it asked for the primary.
   */
  readonly readPreferenceOverridden: string | null;
  close(): Promise<void>;
}

/**
 * Connects to MongoDB at `uri`, or starts the embedded MongoDB-compatible server and connects
 * to that, so the hub's code is the same against both.
 */
export async function openStore(options: StoreOptions, hooks: StoreHooks = {}): Promise<StoreConnection> {
  let server: EmbeddedMongo | null = null;
  if (options.uri === null) {
    const start = START_EMBEDDED[options.embeddedIn ?? 'process'];
    const tcp = options.embeddedTcp ?? false;
    server = await start(options.memory ? { memory: true, tcp } : { dataDir: options.dataDir, tcp });
  }
  const uri: string = server?.uri ?? options.uri ?? '';
  // Majority write concern with journaling: a write the hub was told succeeded is on disk.
  const client = new MongoClient(uri, {
    writeConcern: { w: 'majority', journal: true },
    serverSelectionTimeoutMS: 5_000,
    appName: 'switchboard',
    monitorCommands: hooks.onCommand !== undefined,
  });
  if (hooks.onCommand) {
    const onCommand = hooks.onCommand;
    client.on('commandStarted', (event) => onCommand(event.commandName));
  }
  try {
    await client.connect();
  } catch (error) {
    await server?.close();
    throw new Error(`Cannot connect to MongoDB at ${redact(uri)}: ${(error as Error).message}`);
  }
  // The hub's reads come in pairs that must see one member's data: the identity map's state and
  // the look-ups it vouches for (which the hub then remembers), a page of customers and its
  // count, a lease and the work it guards, a saved query and its version. A connection string
  // that prefers secondaries would send the two halves to two members, one of them behind, so
  // the hub reads from the primary whatever it says (and the hub says so at start).
  const asked = client.readPreference.mode;
  return {
    client,
    db: client.db(options.database, { readPreference: ReadPreference.PRIMARY }),
    readPreferenceOverridden: asked === ReadPreference.PRIMARY ? null : asked,
    uri,
    embedded: server !== null,
    embeddedTcpUri: server?.tcp?.uri ?? null,
    embeddedPid: server?.pid ?? null,
    deadlines: {
      requestMs: options.operationTimeoutMs ?? defaultRepositoryDeadlines.requestMs,
      batchMs: options.batchOperationTimeoutMs ?? defaultRepositoryDeadlines.batchMs,
    },
    async close() {
      await client.close();
      await server?.close();
    },
  };
}

/** What to log when `openStore` read from the primary against the connection string's wish; null when it did not. */
export function readPreferenceNotice(store: Pick<StoreConnection, 'readPreferenceOverridden'>): string | null {
  if (store.readPreferenceOverridden === null) return null;
  return (
    `the MongoDB connection string asks to read from ${store.readPreferenceOverridden}; the hub reads from the ` +
    "primary: its reads come in pairs (the identity map's state and its look-ups, a page and its count) that " +
    'must see one member'
  );
}

/** The URI without its password, for messages. */
function redact(uri: string): string {
  return uri.replace(/\/\/([^:/@]+):([^@]+)@/, '//$1:***@');
}
