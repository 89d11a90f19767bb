/**
 * How a test opens the hub's store: through `openStore`, as the hub does, on the embedded server
 * in memory or, when MONGODB_URI is set, on that real MongoDB. Each test gets a database of its
 * own, dropped after it, so a run against a shared server leaves nothing behind.
 */
import { randomUUID } from 'node:crypto';
import type { Db } from 'mongodb';
import { openStore, type StoreConnection } from '../../store';

/** The real MongoDB to run the store tests against too; null when MONGODB_URI is unset or empty. */
export function realMongoUri(): string | null {
  return process.env.MONGODB_URI || null;
}

/** The store of the test that is running. */
export interface TestStore {
  readonly connection: StoreConnection;
  readonly db: Db;
}

/**
 * Opens a store before each test of the enclosing `describe` and drops and closes it after.
 * `name` prefixes the database's name, which a real server shows.
 *
 * @example
 * const store = useTestStore('lease');
 * it('...', async () => { const lease = new StoreLease(store.db, ...); });
 */
export function useTestStore(name: string): TestStore {
  let connection: StoreConnection | null = null;
  beforeEach(async () => {
    connection = await openStore({
      uri: realMongoUri(),
      database: `${name}_${randomUUID().slice(0, 8)}`,
      dataDir: '',
      memory: true,
      // In-process: a worker thread per test would only slow the suite (test/store/embedded.test.ts runs the thread).
      embeddedIn: 'inline',
    });
  });
  afterEach(async () => {
    const open = connection;
    connection = null;
    if (!open) return;
    try {
      await open.db.dropDatabase();
    } finally {
      await open.close();
    }
  });
  const current = (): StoreConnection => {
    if (connection) return connection;
    throw new Error(`useTestStore('${name}') expected to be read inside a test, but found no open store.`);
  };
  return {
    get connection() {
      return current();
    },
    get db() {
      return current().db;
    },
  };
}
