/**
 * The storage engine behind the wire: the SQLite file, the catalog, the document store, open
 * cursors and the TTL monitor, plus the one way to write (a transaction committed before the
 * reply is sent).
 */
import type Database from 'better-sqlite3';
import { Catalog } from './catalog';
import { CursorRegistry } from './cursors';
import { DocumentStore } from './documents';
import { openDatabase, prepareStatements, type Statements } from './sqlite';
import { TtlMonitor } from './ttl';

/** Everything a command handler works with. */
export class Engine {
  readonly sql: Statements;
  readonly catalog: Catalog;
  readonly store: DocumentStore;
  readonly cursors = new CursorRegistry();
  readonly ttl: TtlMonitor;
  readonly startedAt = new Date();
  private readonly db: Database.Database;
  private readonly onDisk: boolean;
  /**
   * One transaction function for every write: better-sqlite3's `db.transaction(fn)` builds four
   * wrapped functions and their properties each time it is called, which cost more than the
   * savepoint itself when every statement of a 1,000-document batch is one.
   */
  private readonly inTransaction: <T>(fn: () => T) => T;

  /**
   * @param dataDir - directory of the data file, or null for an in-memory database.
   * @param ttlSweepMs - how often expired TTL documents are deleted.
   */
  constructor(dataDir: string | null, ttlSweepMs: number) {
    this.db = openDatabase(dataDir);
    this.onDisk = dataDir !== null;
    this.sql = prepareStatements(this.db);
    this.inTransaction = this.db.transaction(<T>(fn: () => T): T => fn()) as <T>(fn: () => T) => T;
    this.catalog = new Catalog(this.sql);
    this.store = new DocumentStore(this.sql, this.catalog);
    this.ttl = new TtlMonitor(this, ttlSweepMs);
  }

  /**
   * Runs `fn` in one SQLite transaction, committed when this returns — i.e. before the command's
   * reply is written — so an acknowledged write is in the WAL. `durable` (a `{ j: true }` write
   * concern) makes this commit fsync too (`synchronous = FULL`), surviving power loss as well.
   * A nested call becomes a savepoint, so a statement of a batch that can fail after writing can fail alone.
   */
  write<T>(fn: () => T, durable = false): T {
    const fsync = durable && this.onDisk && !this.db.inTransaction;
    if (fsync) this.db.pragma('synchronous = FULL');
    try {
      return this.inTransaction(fn);
    } catch (err) {
      // The rollback (of the transaction, or of this savepoint) undid SQLite's side of any
      // catalog change; re-read the catalog so memory matches what is actually stored.
      this.catalog.reload();
      throw err;
    } finally {
      if (fsync) this.db.pragma('synchronous = NORMAL');
    }
  }

  private reaper: NodeJS.Timeout | null = null;

  /** Starts background work: the TTL sweep, and closing cursors idle for ten minutes. */
  start(): void {
    this.ttl.start();
    this.reaper = setInterval(() => this.cursors.reapIdle(), 60_000);
    this.reaper.unref();
  }

  /** Stops background work, closes cursors and the database. */
  close(): void {
    this.ttl.stop();
    if (this.reaper) clearInterval(this.reaper);
    this.cursors.clear();
    if (this.db.open) this.db.close();
  }
}
