import type { AnyBulkWriteOperation, Collection, Db } from 'mongodb';

/** A department record as the repository keeps it. */
export interface CachedRecord<V> {
  /** The system's key, normalised. */
  _id: string;
  value: V;
  fetchedAt: Date;
  /** Past this, the copy is too old even to serve stale; a TTL index removes it. */
  staleUntil: Date;
}

/** The collection a connector's records are cached in: `cache.<connector>`. */
export function cacheCollectionName(connector: string): string {
  return `cache.${connector}`;
}

/**
 * One connector's records in MongoDB. Every method is one round trip: a batch of keys is one
 * `find` with `$in`; a batch of answers is one `bulkWrite`. Writes use the client's
 * acknowledged write concern, so a write that returns has happened.
 */
export class RecordCache<V> {
  private readonly collection: Collection<CachedRecord<V>>;

  constructor(db: Db, connector: string) {
    this.collection = db.collection<CachedRecord<V>>(cacheCollectionName(connector));
  }

  /** The TTL index that drops copies past their stale-if-error horizon. Idempotent. */
  async ensureIndexes(): Promise<void> {
    await this.collection.createIndex({ staleUntil: 1 }, { name: 'staleUntil_ttl', expireAfterSeconds: 0 });
  }

  /** The cached copies of these keys, in one query. */
  async read(keys: readonly string[]): Promise<Map<string, CachedRecord<V>>> {
    if (keys.length === 0) return new Map();
    const docs = await this.collection.find({ _id: { $in: [...keys] } }).toArray();
    return new Map(docs.map((doc) => [doc._id, doc as CachedRecord<V>]));
  }

  /** Stores fresh copies and forgets keys the system no longer knows, in one bulk write. */
  async write(
    found: ReadonlyMap<string, V>,
    gone: readonly string[],
    fetchedAt: Date,
    staleUntil: Date,
  ): Promise<void> {
    const ops: AnyBulkWriteOperation<CachedRecord<V>>[] = [];
    for (const [key, value] of found) {
      ops.push({
        replaceOne: {
          filter: { _id: key },
          replacement: { _id: key, value, fetchedAt, staleUntil } as CachedRecord<V>,
          upsert: true,
        },
      });
    }
    for (const key of gone) ops.push({ deleteOne: { filter: { _id: key } } });
    if (ops.length > 0) await this.collection.bulkWrite(ops, { ordered: false });
  }

  /** Forgets these keys. */
  async evict(keys: readonly string[]): Promise<number> {
    if (keys.length === 0) return 0;
    const result = await this.collection.deleteMany({ _id: { $in: [...keys] } });
    return result.deletedCount;
  }
}
