/**
 * Databases, collections and index definitions. Kept in memory (the file is opened exclusively,
 * so nobody else changes it) and written through to SQLite inside the caller's transaction.
 */
import { CommandError } from './errors';
import { type IndexInfo, type IndexSpec, parseIndexSpec } from './indexes';
import type { Statements } from './sqlite';
import { type Doc, deserializeDoc, serializeDoc } from './values';

/** A collection and its secondary indexes (the `_id` index is implicit). */
export interface CollectionInfo {
  id: number;
  db: string;
  name: string;
  options: Doc;
  indexes: IndexInfo[];
}

const ns = (db: string, name: string): string => `${db}.${name}`;

/** Refuses database names MongoDB refuses. */
export function validateDbName(db: unknown): string {
  if (typeof db !== 'string' || db === '' || db.length >= 64 || /[/\\. "$*<>:|?\0]/.test(db)) {
    throw new CommandError('InvalidNamespace', `Invalid database name: '${String(db)}'`);
  }
  return db;
}

/** Refuses collection names MongoDB refuses. */
export function validateCollectionName(db: string, name: unknown): string {
  if (typeof name !== 'string' || name === '' || name.includes('$') || name.includes('\0') || name.startsWith('.')) {
    throw new CommandError('InvalidNamespace', `Invalid namespace specified '${db}.${String(name)}'`);
  }
  return name;
}

/** The catalog of collections and indexes. */
export class Catalog {
  private readonly collections = new Map<string, CollectionInfo>();

  constructor(private readonly sql: Statements) {
    this.reload();
  }

  /** Re-reads everything from SQLite; used after a rolled-back transaction left memory ahead. */
  reload(): void {
    this.collections.clear();
    const sql = this.sql;
    const byId = new Map<number, CollectionInfo>();
    for (const row of sql.listCollections.all()) {
      const info: CollectionInfo = {
        id: row.id,
        db: row.db,
        name: row.name,
        options: deserializeDoc(row.options),
        indexes: [],
      };
      byId.set(row.id, info);
      this.collections.set(ns(row.db, row.name), info);
    }
    for (const row of sql.listIndexes.all()) {
      const spec = parseIndexSpec(deserializeDoc(row.spec));
      byId.get(row.collection_id)?.indexes.push({ ...spec, id: row.id, multikey: row.multikey === 1 });
    }
  }

  /** The collection, or undefined if it doesn't exist. */
  get(db: string, name: string): CollectionInfo | undefined {
    return this.collections.get(ns(db, name));
  }

  /** Every collection of a database, by name. */
  list(db: string): CollectionInfo[] {
    return [...this.collections.values()].filter((c) => c.db === db).sort((a, b) => (a.name < b.name ? -1 : 1));
  }

  /** Every collection of every database. */
  all(): CollectionInfo[] {
    return [...this.collections.values()];
  }

  /** Names of databases holding at least one collection (MongoDB has no empty databases). */
  databases(): string[] {
    return [...new Set([...this.collections.values()].map((c) => c.db))].sort();
  }

  /** Creates a collection; MongoDB's NamespaceExists if it already does. */
  create(db: string, name: string, options: Doc = {}): CollectionInfo {
    validateDbName(db);
    validateCollectionName(db, name);
    if (this.get(db, name)) throw new CommandError('NamespaceExists', `Collection ${ns(db, name)} already exists.`);
    const id = Number(this.sql.insertCollection.run(db, name, serializeDoc(options)).lastInsertRowid);
    const info: CollectionInfo = { id, db, name, options, indexes: [] };
    this.collections.set(ns(db, name), info);
    return info;
  }

  /** The collection, created implicitly (as inserts and upserts do) when missing. */
  ensure(db: string, name: string): { coll: CollectionInfo; created: boolean } {
    const existing = this.get(db, name);
    return existing ? { coll: existing, created: false } : { coll: this.create(db, name), created: true };
  }

  /** Drops a collection with its documents and indexes. */
  remove(coll: CollectionInfo): void {
    for (const index of coll.indexes) {
      this.sql.deleteIndexEntries.run(index.id);
      this.sql.deleteIndex.run(index.id);
    }
    this.sql.deleteCollectionDocs.run(coll.id);
    this.sql.deleteCollection.run(coll.id);
    this.collections.delete(ns(coll.db, coll.name));
  }

  /** Moves a collection to a new namespace (the target must not exist). */
  rename(coll: CollectionInfo, db: string, name: string): void {
    validateDbName(db);
    validateCollectionName(db, name);
    this.sql.renameCollection.run(db, name, coll.id);
    this.collections.delete(ns(coll.db, coll.name));
    coll.db = db;
    coll.name = name;
    this.collections.set(ns(db, name), coll);
  }

  /** Records a new index definition (entries are built by the caller). */
  addIndex(coll: CollectionInfo, spec: IndexSpec): IndexInfo {
    const id = Number(this.sql.insertIndex.run(coll.id, spec.name, serializeDoc(spec.raw)).lastInsertRowid);
    const index: IndexInfo = { ...spec, id, multikey: false };
    coll.indexes.push(index);
    return index;
  }

  /** Removes an index with its entries. */
  removeIndex(coll: CollectionInfo, index: IndexInfo): void {
    this.sql.deleteIndexEntries.run(index.id);
    this.sql.deleteIndex.run(index.id);
    coll.indexes = coll.indexes.filter((i) => i !== index);
  }

  /** Remembers that a document put an array into the index (index order no longer sorts it). */
  markMultikey(index: IndexInfo): void {
    if (index.multikey) return;
    this.sql.markMultikey.run(index.id);
    index.multikey = true;
  }
}
