import DataLoader from 'dataloader';
import type { AnyBulkWriteOperation, Collection, Db } from 'mongodb';
import { isDuplicateKey, writeErrorsOf } from '../../store';
import { withDeadline } from '../../store/deadline';

/** A department record as the repository keeps it. */
export interface CachedRecord<V> {
  /** The system's key, normalised (in the collection, `<connector>:<key>`; see `recordId`). */
  _id: string;
  value: V;
  fetchedAt: Date;
  /** Past this, the copy is too old even to serve stale; a TTL index removes it. */
  staleUntil: Date;
  /** The shape `value` was written in (`recordFormat`); a copy of another shape is a miss. */
  v?: string;
}

/** A record as stored: its id carries the connector, and `c` names it for people reading the collection. */
interface StoredRecord {
  _id: string;
  c: string;
  value: unknown;
  fetchedAt: Date;
  staleUntil: Date;
  v: string;
}

/** The kit's own document layout; bump it when `CachedRecord` changes. */
const KIT_FORMAT = 1;

/**
 * The format tag of a tombstone: the system did not know the key when asked at `fetchedAt`. It
 * reads as a miss (as a deleted copy would) but keeps its date, so that an older copy of the
 * record, written late by this hub or another, cannot bring it back. The TTL index removes it.
 */
const GONE_FORMAT = 'gone';

/**
 * The format tag written on every cached document: the kit's layout and the connector's record
 * shape (`ConnectorDefinition.recordVersion`). A copy written by an older hub, whose value a
 * current mapper may not understand, carries another tag and is read as a miss.
 */
export function recordFormat(recordVersion = 1): string {
  return `${KIT_FORMAT}.${recordVersion}`;
}

/** The one collection every connector's records are cached in. */
export const RECORDS_COLLECTION = 'cache.records';

/** A record's `_id`: the connector, then the system's key (connector names hold no `:`). */
export function recordId(connector: string, key: string): string {
  return `${connector}:${key}`;
}

/** Deadlines on the repository's round trips, and how long write-backs may wait to travel together. */
export interface RecordStoreOptions {
  /** Longest a read of a batch may take (then the systems answer, as for a failed read). Default 500 ms. */
  readTimeoutMs?: number;
  /** Longest a write-back may take (then it counts as failed and the keys leave "in flight"). Default 5 s. */
  writeTimeoutMs?: number;
  /**
   * How long the first write-back queued waits for others before they go as one bulk write,
   * ms. The departments of one request answer a few ms apart; this lets their copies share a
   * round trip. Nothing waits on it but the write itself (answers are served at once). Default 10.
   */
  writeDelayMs?: number;
  /** A queue of this many write operations goes at once. Default 1,000. */
  maxWriteBatch?: number;
  /**
   * How long an evict's mark stays, seconds: a copy fetched before the evict (by this hub or
   * another sharing the repository) and written later cannot land while it does. Past the
   * longest a fetch and its write-back can take. Default 600.
   */
  evictMarkSeconds?: number;
  /** The clock an evict's mark is dated by (the one `fetchedAt` comes from). Default the wall clock. */
  now?: () => Date;
}

/** Someone waiting for a queued write-back to land: the record ids it wrote, and its promise. */
interface QueuedWrite {
  ids: string[];
  resolve(): void;
  reject(error: unknown): void;
}

/**
 * How a bulk write failed one operation at a time: the ids it refused (a record it cannot hold),
 * and the operations whose upsert collided with a copy already there. Null when it failed as a
 * whole.
 */
function failuresOf(
  error: unknown,
  ops: ReadonlyArray<AnyBulkWriteOperation<StoredRecord>>,
): { refused: Set<string>; collided: Array<AnyBulkWriteOperation<StoredRecord>> } | null {
  const writeErrors = writeErrorsOf(error);
  if (writeErrors.length === 0) return null;
  const refused = new Set<string>();
  const collided: Array<AnyBulkWriteOperation<StoredRecord>> = [];
  for (const writeError of writeErrors) {
    const op = ops[writeError.index];
    const id = op && 'replaceOne' in op ? op.replaceOne.filter._id : undefined;
    if (typeof id !== 'string') return null;
    // An upsert whose filter missed because a copy is there (see writeOnce).
    if (isDuplicateKey(writeError)) collided.push(op);
    else refused.add(id);
  }
  return { refused, collided };
}

/** Operations a bulk write refused one by one (a record the store cannot hold), and its error. */
interface Refusal {
  error: unknown;
  ids: Set<string>;
}

/** Reads of more ids than this are split (each part one round trip). */
const MAX_READ_BATCH = 2_000;

/**
 * Every connector's cached records in MongoDB, in one collection keyed `<connector>:<key>`, so
 * that a request's repository traffic does not grow with the departments it touches:
 *
 * - reads: every connector's batch started in the same turn of the event loop is one `find` with
 *   `$in` (a DataLoader without memo, shared by all requests, dispatched on `setImmediate`, after
 *   every loader of the turn has asked);
 * - writes: write-backs queued within `writeDelayMs` of each other are one unordered `bulkWrite`,
 *   the last copy of an id winning; each caller's promise settles when that write does.
 *
 * A write replaces a copy only if it is at least as recent (by `fetchedAt`), and a key the
 * system no longer knows leaves a tombstone rather than nothing: two bulk writes on different
 * pooled connections, or two hubs sharing the repository, may land in any order, and the older
 * answer must not win. Writes use the client's acknowledged write concern, so a write that
 * resolves has happened.
 */
export class RecordStore {
  private readonly collection: Collection<StoredRecord>;
  private readonly readTimeoutMs: number;
  private readonly writeTimeoutMs: number;
  private readonly writeDelayMs: number;
  private readonly maxWriteBatch: number;
  private readonly evictMarkMs: number;
  private readonly now: () => Date;
  private readonly reads: DataLoader<string, StoredRecord | null>;
  /** Queued operations by record id: a later copy of a record replaces an earlier one. */
  private queue = new Map<string, AnyBulkWriteOperation<StoredRecord>>();
  private waiting: QueuedWrite[] = [];
  private timer: NodeJS.Timeout | undefined;
  /** Bulk writes sent and not yet answered, or past their deadline. */
  private readonly sending = new Set<Promise<void>>();
  /** Bulk writes the driver has not finished with (an overrun one stays here until it does). */
  private readonly inDriver = new Set<Promise<void>>();

  constructor(db: Db, options: RecordStoreOptions = {}) {
    this.collection = db.collection<StoredRecord>(RECORDS_COLLECTION);
    this.readTimeoutMs = options.readTimeoutMs ?? 500;
    this.writeTimeoutMs = options.writeTimeoutMs ?? 5_000;
    this.writeDelayMs = options.writeDelayMs ?? 10;
    this.maxWriteBatch = options.maxWriteBatch ?? 1_000;
    this.evictMarkMs = (options.evictMarkSeconds ?? 600) * 1000;
    this.now = options.now ?? (() => new Date());
    this.reads = new DataLoader((ids) => this.readBatch(ids), {
      cache: false,
      maxBatchSize: MAX_READ_BATCH,
      batchScheduleFn: (dispatch) => setImmediate(dispatch),
    });
  }

  /** The TTL index that drops copies past their stale-if-error horizon. Idempotent. */
  async ensureIndexes(): Promise<void> {
    await this.collection.createIndex({ staleUntil: 1 }, { name: 'staleUntil_ttl', expireAfterSeconds: 0 });
  }

  /**
   * The connector's cached copies of these keys, by key, in the format given (copies of another
   * format are misses). Joins the round trip every other read of this turn makes; rejects when
   * that round trip fails or overruns `readTimeoutMs`.
   */
  async read(connector: string, format: string, keys: readonly string[]): Promise<Map<string, CachedRecord<unknown>>> {
    if (keys.length === 0) return new Map();
    const docs = await this.reads.loadMany(keys.map((key) => recordId(connector, key)));
    const found = new Map<string, CachedRecord<unknown>>();
    docs.forEach((doc, index) => {
      if (doc instanceof Error) throw doc;
      if (doc && doc.v === format) found.set(keys[index], { ...doc, _id: keys[index] });
    });
    return found;
  }

  /**
   * Queues fresh copies of `found` and the removal of `gone` (keys the system no longer knows);
   * resolves once they are in the repository. `urgent` sends the queue now instead of waiting.
   */
  write(
    connector: string,
    format: string,
    copies: { found: ReadonlyMap<string, unknown>; gone: readonly string[]; fetchedAt: Date; staleUntil: Date },
    urgent = false,
  ): Promise<void> {
    if (copies.found.size === 0 && copies.gone.length === 0) return Promise.resolve();
    const ids: string[] = [];
    const { fetchedAt, staleUntil } = copies;
    const queue = (key: string, value: unknown, v: string) => {
      const _id = recordId(connector, key);
      ids.push(_id);
      // Matches no copy fetched later than this one (nor one without a date); on a miss the upsert
      // collides with that newer copy's `_id`, which `send` reads as "a newer copy is there".
      const filter = { _id, fetchedAt: { $not: { $gt: fetchedAt } } };
      const replacement: StoredRecord = { _id, c: connector, value, fetchedAt, staleUntil, v };
      this.queue.set(_id, { replaceOne: { filter, replacement, upsert: true } });
    };
    for (const [key, value] of copies.found) queue(key, value, format);
    for (const key of copies.gone) queue(key, null, GONE_FORMAT);
    const done = new Promise<void>((resolve, reject) => this.waiting.push({ ids, resolve, reject }));
    if (urgent || this.queue.size >= this.maxWriteBatch) this.send();
    else this.timer ??= setTimeout(() => this.send(), this.writeDelayMs);
    return done;
  }

  /** Sends whatever is queued now and waits until every write sent so far has been answered (or has failed). */
  async flush(): Promise<void> {
    this.send();
    // Only what is under way now: writes sent later (steady traffic) must not keep this waiting.
    await Promise.allSettled([...this.sending]);
  }

  /**
   * Forgets these keys: drops their queued copies (so a queued write cannot bring them back),
   * waits for the writes already sent (one may hold them), then replaces each copy (and each
   * tombstone) by a mark dated now, which reads as a miss and which no copy fetched before it can
   * replace: another hub's write of an answer from before the change, landing late, cannot bring
   * the old record back. Resolves to how many copies the repository held.
   */
  async evict(connector: string, keys: readonly string[]): Promise<number> {
    if (keys.length === 0) return 0;
    // Dated when asked for: a copy fetched after this moment may replace the mark, none before.
    const at = this.now();
    const ids = keys.map((key) => recordId(connector, key));
    for (const id of ids) this.queue.delete(id);
    // Only the writes already sent: a later one holds no copy from before the evict (the queue
    // lost them just now, and the cached source drops write-backs of fetches an evict overtook),
    // so a steady stream of writes cannot hold the evict back. Until the driver itself is done
    // with them, not just until their deadline: an overrun write may still land, and must land
    // before the delete. On a store that does not answer, the evict fails at its own deadline.
    const inDriver = [...this.inDriver];
    await withDeadline(this.writeTimeoutMs, 'the record writes before an evict', () => Promise.all(inDriver));
    const held = await withDeadline(this.writeTimeoutMs, 'an evict', (deadline) =>
      this.collection.countDocuments({ _id: { $in: ids }, v: { $ne: GONE_FORMAT } }, deadline),
    );
    const staleUntil = new Date(at.getTime() + this.evictMarkMs);
    await withDeadline(this.writeTimeoutMs, 'an evict', () =>
      this.collection.bulkWrite(
        ids.map((_id) => ({
          replaceOne: {
            filter: { _id },
            replacement: { _id, c: connector, value: null, fetchedAt: at, staleUntil, v: GONE_FORMAT },
            upsert: true,
          },
        })),
        { ordered: false },
      ),
    );
    return held;
  }

  /**
   * One bulk write of `ops`. An upsert that collided with a copy already there is sent once more:
   * two first copies of a record written at the same moment (two hubs, or two pooled
   * connections) both miss, and the one that inserts second collides whether it is older or
   * newer. Sent again, it replaces the copy if it is at least as recent, and collides again only
   * if the copy there is newer, which is what the filter allows.
   */
  private async writeOnce(ops: Array<AnyBulkWriteOperation<StoredRecord>>): Promise<Refusal | null> {
    let failures;
    let refusal: Refusal | null = null;
    try {
      await this.collection.bulkWrite(ops, { ordered: false });
      return null;
    } catch (error) {
      failures = failuresOf(error, ops);
      if (failures === null) throw error;
      if (failures.refused.size > 0) refusal = { error, ids: failures.refused };
      if (failures.collided.length === 0) return refusal;
    }
    try {
      await this.collection.bulkWrite(failures.collided, { ordered: false });
    } catch (again) {
      const second = failuresOf(again, failures.collided);
      if (second === null) throw again;
      if (second.refused.size > 0)
        refusal = { error: refusal?.error ?? again, ids: new Set([...(refusal?.ids ?? []), ...second.refused]) };
    }
    return refusal;
  }

  private async readBatch(ids: readonly string[]): Promise<Array<StoredRecord | null | Error>> {
    const docs = await withDeadline(this.readTimeoutMs, 'a read of cached records', (deadline) =>
      this.collection.find({ _id: { $in: [...new Set(ids)] } }, deadline).toArray(),
    );
    const byId = new Map(docs.map((doc) => [doc._id, doc]));
    return ids.map((id) => byId.get(id) ?? null);
  }

  /**
   * Sends the queue as one bulk write; everyone waiting on it learns how it went. When the
   * store refuses some operations (a record it cannot hold), only the write-backs that queued
   * those records fail; a failure of the whole write fails them all.
   */
  private send(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const waiting = this.waiting;
    const ops = [...this.queue.values()];
    this.queue = new Map();
    this.waiting = [];
    if (waiting.length === 0) return;
    if (ops.length === 0) {
      // Every queued copy was evicted before it went: nothing to write, nothing lost.
      for (const write of waiting) write.resolve();
      return;
    }
    const write = this.writeOnce(ops);
    const settled = write.then(
      () => undefined,
      () => undefined,
    );
    this.inDriver.add(settled);
    void settled.finally(() => this.inDriver.delete(settled));
    const sent = withDeadline(this.writeTimeoutMs, 'a write of cached records', () => write).then(
      (refusal) => {
        for (const write of waiting) {
          if (refusal && write.ids.some((id) => refusal.ids.has(id))) write.reject(refusal.error);
          else write.resolve();
        }
      },
      (error: unknown) => waiting.forEach((write) => write.reject(error)),
    );
    this.sending.add(sent);
    void sent.finally(() => this.sending.delete(sent));
  }
}
