/**
 * Writing documents: every insert, replace and delete keeps the `_id` index and the secondary
 * indexes in step, and checks everything that can refuse a document (its size, uniqueness)
 * before it writes it, so a refused document leaves nothing a reader can see. The one write
 * a refusal can leave is the purge of a TTL-expired document that held a key it wanted, which
 * the TTL sweep would have made anyway. Callers run these inside a transaction (`Engine.write`).
 */
import type { Catalog, CollectionInfo } from './catalog';
import { CommandError } from './errors';
import { ID_INDEX_NAME, idKey, type IndexInfo, type IndexKey, indexKeys, keyPatternDoc } from './indexes';
import { pointInterval } from './keys';
import { scan, type StoredDoc, toStored } from './scan';
import type { Statements } from './sqlite';
import { expiryTest } from './ttl';
import { type Doc, formatValue, serializeDoc } from './values';

/** One index's keys for a document, and whether its arrays make the index multikey. */
interface IndexClaim {
  keys: IndexKey[];
  multikey: boolean;
}

/** MongoDB's document size limit. */
export const MAX_BSON_SIZE = 16 * 1024 * 1024;

/** Inserts, replaces and removes documents with their index entries. */
export class DocumentStore {
  constructor(
    private readonly sql: Statements,
    private readonly catalog: Catalog,
  ) {}

  /**
   * Stores a new document (which must have its `_id`, first); E11000 if a unique key is taken.
   * `received`: the bytes the document arrived in, when it is stored unchanged (see
   * `receivedBytes`), stored as they are.
   */
  insert(coll: CollectionInfo, doc: Doc, received?: Buffer): StoredDoc {
    const blob = received ? checkedSize(received) : checkedBlob(doc);
    const key = idKey(doc._id);
    this.claimId(coll, key, doc._id, -1);
    const plans = coll.indexes.map((index) => this.claimKeys(coll, index, doc, -1));
    this.markMultikey(coll, plans);
    const seq = Number(this.sql.insertDoc.run(coll.id, key, blob).lastInsertRowid);
    plans.forEach(({ keys }, i) => keys.forEach((k) => this.sql.insertEntry.run(coll.indexes[i].id, k.bytes, seq)));
    return { seq, blob, doc };
  }

  /**
   * Replaces a stored document with a new version (same `_id`, checked by the caller). Returns
   * the stored result and whether any byte changed (MongoDB's `nModified`). Bytes, as MongoDB
   * compares: a document stored as it came, with a whole number sent as a double, decodes to a
   * number that encodes as an int32, so replacing it by itself counts as a change (MongoDB says
   * 0). Plain JS numbers, which the hub sends, encode the same both ways. `received`: the bytes
   * the replacement arrived in, when it is stored unchanged (as for `insert`).
   */
  replace(coll: CollectionInfo, old: StoredDoc, doc: Doc, received?: Buffer): { stored: StoredDoc; modified: boolean } {
    const blob = received ? checkedSize(received) : checkedBlob(doc);
    if (blob.equals(old.blob)) return { stored: old, modified: false };
    const plans = coll.indexes.map((index) => this.claimKeys(coll, index, doc, old.seq));
    this.markMultikey(coll, plans);
    const changes = coll.indexes.map((index, i) => {
      const before = indexKeys(index, old.doc)?.keys ?? [];
      const after = plans[i].keys;
      const had = new Set(before.map((k) => k.bytes.toString('latin1')));
      const has = new Set(after.map((k) => k.bytes.toString('latin1')));
      return {
        index,
        removed: before.filter((k) => !has.has(k.bytes.toString('latin1'))),
        added: after.filter((k) => !had.has(k.bytes.toString('latin1'))),
      };
    });
    for (const { index, removed, added } of changes) {
      removed.forEach((k) => this.sql.deleteEntry.run(index.id, k.bytes, old.seq));
      added.forEach((k) => this.sql.insertEntry.run(index.id, k.bytes, old.seq));
    }
    this.sql.updateDoc.run(blob, old.seq);
    return { stored: { seq: old.seq, blob, doc }, modified: true };
  }

  /** Deletes a stored document and its index entries. */
  remove(coll: CollectionInfo, old: StoredDoc): void {
    for (const index of coll.indexes) {
      for (const k of indexKeys(index, old.doc)?.keys ?? []) this.sql.deleteEntry.run(index.id, k.bytes, old.seq);
    }
    this.sql.deleteDoc.run(old.seq);
  }

  /** Fills a new index from the collection's documents, enforcing uniqueness as it goes. */
  buildIndex(coll: CollectionInfo, index: IndexInfo): void {
    const stats = { keysExamined: 0, docsExamined: 0 };
    for (const stored of scan(this.sql, coll, { kind: 'collscan', direction: 1 }, stats, 1000)) {
      const plan = this.claimKeys(coll, index, stored.doc, stored.seq);
      if (plan.multikey) this.catalog.markMultikey(index);
      for (const k of plan.keys) this.sql.insertEntry.run(index.id, k.bytes, stored.seq);
    }
  }

  /**
   * How many documents hold `value` in the leading field of `index`, counted from its entries
   * without reading a document; null when the entries cannot say (see `coveredCount`).
   */
  countByIndex(coll: CollectionInfo, index: IndexInfo, value: string): number | null {
    if (index.multikey || index.sparse || index.partialFilterExpression || expiryTest(coll)) return null;
    const { lo, hi } = pointInterval(value, index.key[0][1]);
    if (lo === null || hi === null) return null;
    return this.sql.countEntries.get(index.id, lo, hi)?.n ?? 0;
  }

  /** How many documents the collection physically holds (expired ones included). */
  count(coll: CollectionInfo): number {
    return this.sql.countDocs.get(coll.id)?.n ?? 0;
  }

  /** Fails with E11000 if another live document has this `_id`; an expired holder is purged. */
  private claimId(coll: CollectionInfo, key: Buffer, id: unknown, self: number): void {
    const row = this.sql.docById.get(coll.id, key);
    if (!row || row.seq === self) return;
    if (this.purgeIfExpired(coll, toStored(row))) return;
    throw duplicateKey(coll, ID_INDEX_NAME, { _id: 1 }, { _id: id });
  }

  /**
   * The document's keys for one index, after checking none collides in a unique index, and
   * whether they make the index multikey. Only checks: marking the index is the caller's, once
   * every index has been claimed, so that a refused document changes nothing (see `markMultikey`).
   */
  private claimKeys(coll: CollectionInfo, index: IndexInfo, doc: Doc, self: number): IndexClaim {
    const result = indexKeys(index, doc);
    if (!result) return { keys: [], multikey: false };
    if (index.unique) {
      for (const key of result.keys) {
        const owner = this.sql.entryOwner.get(index.id, key.bytes, self);
        if (!owner) continue;
        const row = this.sql.docBySeq.get(owner.seq);
        if (row && this.purgeIfExpired(coll, toStored(row))) continue;
        const keyValue = Object.fromEntries(index.key.map(([field], i) => [field, key.values[i] ?? null]));
        throw duplicateKey(coll, index.name, keyPatternDoc(index.key), keyValue);
      }
    }
    return { keys: result.keys, multikey: result.multikey };
  }

  /**
   * Marks the indexes a document's arrays make multikey, once all its keys are claimed: a mark
   * made before a later index refused the document would outlive it (write batches run most
   * statements without a savepoint), and a multikey index loses its sort order and its counts.
   */
  private markMultikey(coll: CollectionInfo, plans: readonly IndexClaim[]): void {
    plans.forEach((plan, i) => {
      if (plan.multikey) this.catalog.markMultikey(coll.indexes[i]);
    });
  }

  /** A TTL-expired document no longer exists for readers, so it mustn't block a unique key. */
  private purgeIfExpired(coll: CollectionInfo, stored: StoredDoc): boolean {
    const expired = expiryTest(coll);
    if (!expired || !expired(stored.doc)) return false;
    this.remove(coll, stored);
    return true;
  }
}

function checkedBlob(doc: Doc): Buffer {
  return checkedSize(serializeDoc(doc));
}

function checkedSize(blob: Buffer): Buffer {
  if (blob.length > MAX_BSON_SIZE) {
    throw new CommandError(
      'BSONObjectTooLarge',
      `object to insert too large. size in bytes: ${blob.length}, max size: ${MAX_BSON_SIZE}`,
    );
  }
  return blob;
}

/** MongoDB's E11000 error, worded as the server words it (users and drivers match on it). */
export function duplicateKey(coll: CollectionInfo, indexName: string, keyPattern: Doc, keyValue: Doc): CommandError {
  const shown = Object.entries(keyValue)
    .map(([field, value]) => `${field}: ${formatValue(value)}`)
    .join(', ');
  return new CommandError(
    'DuplicateKey',
    `E11000 duplicate key error collection: ${coll.db}.${coll.name} index: ${indexName} dup key: { ${shown} }`,
    { keyPattern, keyValue },
  );
}
