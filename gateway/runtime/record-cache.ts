import type { AnyBulkWriteOperation, Collection, Db } from 'mongodb';

/** A department record as the repository keeps it. */
export interface CachedRecord<V> {
  /** The system's key, normalised. */
  _id: string;
  value: V;
  fetchedAt: Date;
  /** Past this, the copy is too old even to serve stale; a TTL index removes it. */
  staleUntil: Date;
  /** The shape `value` was written in (`recordFormat`); a copy of another shape is a miss. */
  v?: string;
}

/** The kit's own document layout; bump it when `CachedRecord` changes. */
const KIT_FORMAT = 1;

/**
 * The format tag written on every cached document: the kit's layout and the connector's record
 * shape (`ConnectorDefinition.recordVersion`). A copy written by an older hub, whose value a
 * current mapper may not understand, carries another tag and is read as a miss.
 */
export function recordFormat(recordVersion = 1): string {
  return `${KIT_FORMAT}.${recordVersion}`;
}

/** Deadlines on the repository's round trips: a slow store must cost a miss, not a stall. */
export interface StoreDeadlines {
  /** Longest a read of a batch may take (then the systems answer, as for a failed read). */
  readTimeoutMs: number;
  /** Longest a write-back may take (then it counts as failed and the keys leave "in flight"). */
  writeTimeoutMs: number;
}

/** Deadlines used when none are given. */
export const defaultStoreDeadlines: StoreDeadlines = { readTimeoutMs: 500, writeTimeoutMs: 5_000 };

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

  constructor(
    db: Db,
    connector: string,
    private readonly format: string = recordFormat(),
    private readonly deadlines: StoreDeadlines = defaultStoreDeadlines,
  ) {
    this.collection = db.collection<CachedRecord<V>>(cacheCollectionName(connector));
  }

  /** The TTL index that drops copies past their stale-if-error horizon. Idempotent. */
  async ensureIndexes(): Promise<void> {
    await this.collection.createIndex({ staleUntil: 1 }, { name: 'staleUntil_ttl', expireAfterSeconds: 0 });
  }

  /**
   * The cached copies of these keys, in one query, within `readTimeoutMs`. Copies of another
   * format are left out: to the caller they are misses.
   */
  async read(keys: readonly string[]): Promise<Map<string, CachedRecord<V>>> {
    if (keys.length === 0) return new Map();
    const docs = await withDeadline(
      this.collection.find({ _id: { $in: [...keys] } }, { maxTimeMS: this.deadlines.readTimeoutMs }).toArray(),
      this.deadlines.readTimeoutMs,
      'read',
    );
    return new Map(docs.filter((doc) => doc.v === this.format).map((doc) => [doc._id, doc as CachedRecord<V>]));
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
          replacement: { _id: key, value, fetchedAt, staleUntil, v: this.format } as CachedRecord<V>,
          upsert: true,
        },
      });
    }
    for (const key of gone) ops.push({ deleteOne: { filter: { _id: key } } });
    if (ops.length > 0)
      await withDeadline(this.collection.bulkWrite(ops, { ordered: false }), this.deadlines.writeTimeoutMs, 'write');
  }

  /** Forgets these keys. */
  async evict(keys: readonly string[]): Promise<number> {
    if (keys.length === 0) return 0;
    const result = await withDeadline(
      this.collection.deleteMany({ _id: { $in: [...keys] } }),
      this.deadlines.writeTimeoutMs,
      'evict',
    );
    return result.deletedCount;
  }
}

/**
 * `operation`, or a rejection once `ms` have passed. The deadline is the hub's own, not the
 * driver's: the driver's `timeoutMS` (CSOT) did not fire against a store that accepts bytes and
 * never answers (it waited for its monitor's 30 s socket timeout), and `maxTimeMS` is enforced by
 * the server, which is the part that is stuck. An overrun call keeps its pooled connection until
 * the store answers or the socket times out; the request is not held by it.
 */
function withDeadline<T>(operation: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`the repository did not answer a ${what} within ${ms} ms`)), ms);
  });
  // A late failure of the overrun call must not surface as an unhandled rejection.
  operation.catch(() => undefined);
  return Promise.race([operation, deadline]).finally(() => clearTimeout(timer));
}
