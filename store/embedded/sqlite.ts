/**
 * The SQLite file: opening it, its durability settings, its schema and the prepared statements
 * every other file uses. Documents are BSON blobs; index keys are order-preserving blobs
 * (`keys.ts`), so an index range is a B-tree range in `index_entries`.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { DataDirInUseError } from './data-dir-error';

export { DataDirInUseError };

/** The data file's name inside `dataDir`. */
export const DATA_FILE = 'switchboard.sqlite';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
INSERT OR IGNORE INTO meta (key, value) VALUES ('format', '1');
CREATE TABLE IF NOT EXISTS collections (
  id INTEGER PRIMARY KEY,
  db TEXT NOT NULL,
  name TEXT NOT NULL,
  options BLOB NOT NULL,
  UNIQUE (db, name)
);
CREATE TABLE IF NOT EXISTS indexes (
  id INTEGER PRIMARY KEY,
  collection_id INTEGER NOT NULL,
  name TEXT NOT NULL,
  spec BLOB NOT NULL,
  multikey INTEGER NOT NULL DEFAULT 0,
  UNIQUE (collection_id, name)
);
-- seq is the record id: natural order, and what index entries point at (it never changes on update).
CREATE TABLE IF NOT EXISTS documents (
  seq INTEGER PRIMARY KEY,
  collection_id INTEGER NOT NULL,
  id_key BLOB NOT NULL,
  doc BLOB NOT NULL
);
-- The _id index.
CREATE UNIQUE INDEX IF NOT EXISTS documents_id ON documents (collection_id, id_key);
-- Natural-order scans of one collection (entries are ordered by rowid within collection_id).
CREATE INDEX IF NOT EXISTS documents_natural ON documents (collection_id);
-- Every secondary index: (index, key) ranges are B-tree ranges; doc_seq breaks ties.
CREATE TABLE IF NOT EXISTS index_entries (
  index_id INTEGER NOT NULL,
  key BLOB NOT NULL,
  doc_seq INTEGER NOT NULL,
  PRIMARY KEY (index_id, key, doc_seq)
) WITHOUT ROWID;
`;

/** A row of `documents` as scans return it. */
export interface DocRow {
  seq: number;
  doc: Buffer;
}

/** A scan row that also carries the key it was found under (for paging). */
export interface KeyedDocRow extends DocRow {
  key: Buffer;
}

/**
 * Opens (creating if needed) the database. On disk it runs in WAL mode with
 * `synchronous = NORMAL`: a commit is in the WAL file (the OS page cache) before the reply
 * leaves, so an acknowledged write survives the process being killed, including SIGKILL. Only
 * an OS crash or power loss can drop the last commits — the same promise MongoDB's default
 * `{ w: 1 }` makes (its journal is flushed every 100 ms) — while FULL would pay an fsync per
 * write. Writes sent with `{ j: true }` get FULL for their commit (see `Engine.write`).
 * EXCLUSIVE locking keeps a second process (or server) off the same file instead of letting it
 * see a catalog this process caches.
 */
export function openDatabase(dataDir: string | null): Database.Database {
  if (dataDir === null) {
    const db = new Database(':memory:');
    db.exec(SCHEMA);
    return db;
  }
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 }); // the embedded server tightens it to 0700 in any case
  const file = path.join(dataDir, DATA_FILE);
  const db = new Database(file, { timeout: 200 });
  try {
    db.pragma('locking_mode = EXCLUSIVE'); // before WAL: then no shared-memory index is used
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.exec(SCHEMA);
    // A real write, so the exclusive lock is taken now (EXCLUSIVE mode holds it from the first write).
    db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('opened_at', ?)").run(new Date().toISOString());
  } catch (err) {
    db.close();
    const code = (err as { code?: string }).code;
    if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') {
      throw new DataDirInUseError(file);
    }
    throw err;
  }
  return db;
}

/** Every statement the server runs, prepared once. */
export function prepareStatements(db: Database.Database) {
  const s = <T = unknown>(sql: string) => db.prepare<unknown[], T>(sql);
  const docCols = 'd.seq AS seq, d.doc AS doc';
  const entryJoin = `FROM index_entries e JOIN documents d ON d.seq = e.doc_seq`;
  return {
    insertDoc: s('INSERT INTO documents (collection_id, id_key, doc) VALUES (?, ?, ?)'),
    updateDoc: s('UPDATE documents SET doc = ? WHERE seq = ?'),
    deleteDoc: s('DELETE FROM documents WHERE seq = ?'),
    docById: s<DocRow>('SELECT seq, doc FROM documents WHERE collection_id = ? AND id_key = ?'),
    docBySeq: s<DocRow>('SELECT seq, doc FROM documents WHERE seq = ?'),
    countDocs: s<{ n: number }>('SELECT COUNT(*) AS n FROM documents WHERE collection_id = ?'),
    collectionSize: s<{ n: number; bytes: number }>(
      'SELECT COUNT(*) AS n, COALESCE(SUM(LENGTH(doc)), 0) AS bytes FROM documents WHERE collection_id = ?',
    ),
    deleteCollectionDocs: s('DELETE FROM documents WHERE collection_id = ?'),

    insertEntry: s('INSERT OR IGNORE INTO index_entries (index_id, key, doc_seq) VALUES (?, ?, ?)'),
    deleteEntry: s('DELETE FROM index_entries WHERE index_id = ? AND key = ? AND doc_seq = ?'),
    deleteIndexEntries: s('DELETE FROM index_entries WHERE index_id = ?'),
    countEntries: s<{ n: number }>(
      'SELECT COUNT(*) AS n FROM index_entries WHERE index_id = ? AND key >= ? AND key < ?',
    ),
    entryOwner: s<{ seq: number }>(
      'SELECT doc_seq AS seq FROM index_entries WHERE index_id = ? AND key = ? AND doc_seq <> ? LIMIT 1',
    ),

    // Natural order, paged by seq.
    scanNaturalAsc: s<DocRow>(
      'SELECT seq, doc FROM documents WHERE collection_id = ? AND seq > ? ORDER BY seq LIMIT ?',
    ),
    scanNaturalDesc: s<DocRow>(
      'SELECT seq, doc FROM documents WHERE collection_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?',
    ),
    // The _id index, paged by id_key (unique, so the key alone resumes a scan).
    scanIdFromAsc: s<KeyedDocRow>(
      'SELECT seq, doc, id_key AS key FROM documents WHERE collection_id = ? AND id_key >= ? AND id_key < ? ORDER BY id_key LIMIT ?',
    ),
    scanIdAfterAsc: s<KeyedDocRow>(
      'SELECT seq, doc, id_key AS key FROM documents WHERE collection_id = ? AND id_key > ? AND id_key < ? ORDER BY id_key LIMIT ?',
    ),
    scanIdDesc: s<KeyedDocRow>(
      'SELECT seq, doc, id_key AS key FROM documents WHERE collection_id = ? AND id_key < ? AND id_key >= ? ORDER BY id_key DESC LIMIT ?',
    ),
    // Secondary indexes, paged by (key, doc_seq).
    scanIndexAsc: s<KeyedDocRow>(
      `SELECT e.key AS key, ${docCols} ${entryJoin} WHERE e.index_id = ? AND (e.key, e.doc_seq) > (?, ?) AND e.key < ? ORDER BY e.key, e.doc_seq LIMIT ?`,
    ),
    scanIndexDesc: s<KeyedDocRow>(
      `SELECT e.key AS key, ${docCols} ${entryJoin} WHERE e.index_id = ? AND (e.key, e.doc_seq) < (?, ?) AND e.key >= ? ORDER BY e.key DESC, e.doc_seq DESC LIMIT ?`,
    ),

    listCollections: s<{ id: number; db: string; name: string; options: Buffer }>(
      'SELECT id, db, name, options FROM collections',
    ),
    insertCollection: s('INSERT INTO collections (db, name, options) VALUES (?, ?, ?)'),
    renameCollection: s('UPDATE collections SET db = ?, name = ? WHERE id = ?'),
    deleteCollection: s('DELETE FROM collections WHERE id = ?'),
    listIndexes: s<{ id: number; collection_id: number; spec: Buffer; multikey: number }>(
      'SELECT id, collection_id, spec, multikey FROM indexes ORDER BY id',
    ),
    insertIndex: s('INSERT INTO indexes (collection_id, name, spec) VALUES (?, ?, ?)'),
    deleteIndex: s('DELETE FROM indexes WHERE id = ?'),
    markMultikey: s('UPDATE indexes SET multikey = 1 WHERE id = ?'),
  };
}

/** The prepared statements, by purpose. */
export type Statements = ReturnType<typeof prepareStatements>;
