import type { Collection, Db, IndexDescription } from 'mongodb';
import { dropIfExists, replaceCollection } from './collections';
import {
  defaultRepositoryDeadlines,
  walkWithDeadline,
  withDeadline,
  type BoundedOperation,
  type RepositoryDeadlines,
} from './deadline';
import { SYNC_STATE_COLLECTION } from './snapshot.repository';
import type { CustomerIdentity } from '../schema/identity/link';

/** A customer identity as stored, with when the sync last confirmed it. */
export interface StoredIdentity extends CustomerIdentity {
  syncedAt: Date;
}

/** One page of customers in hub-id order. */
export interface IdentityPage {
  items: StoredIdentity[];
  hasNextPage: boolean;
}

/** The collection the identity map lives in. */
export const IDENTITY_COLLECTION = 'customers';
/** Where a sync writes the next generation of the map, renamed over the live one when complete. */
export const IDENTITY_STAGING_COLLECTION = 'customers.next';

/** Where the identity map's generations are: what start-up reads to resume or re-check. */
export interface IdentityState {
  _id: 'identity';
  /** When the sync under way (or the last one) started. */
  startedAt: Date;
  /** Null while a sync is writing its generation: one that stays null died and must be run again. */
  finishedAt: Date | null;
  /** How many syncs have been committed to this map; the next generation is one more. */
  generation: number;
}

const INDEXES: IndexDescription[] = [
  { key: { phones: 1 }, name: 'phones' },
  { key: { emails: 1 }, name: 'emails' },
  { key: { aliases: 1 }, name: 'aliases' },
  { key: { 'links.system': 1, 'links.key': 1 }, name: 'links' },
];

/**
 * The identity map: which records in which systems are one customer. All look-ups use an index
 * (see `ensureIndexes`), so none of them scans the collection. Every call has a client-side
 * deadline (`RepositoryDeadlines`): look-ups the request one, a sync's operations each the batch
 * one; past it the call rejects with a StoreTimeoutError.
 */
export class IdentityRepository {
  private readonly collection: Collection<StoredIdentity>;
  private readonly staging: Collection<StoredIdentity>;
  private readonly state: Collection<IdentityState>;

  constructor(
    private readonly db: Db,
    private readonly deadlines: RepositoryDeadlines = defaultRepositoryDeadlines,
  ) {
    this.collection = db.collection<StoredIdentity>(IDENTITY_COLLECTION);
    this.staging = db.collection<StoredIdentity>(IDENTITY_STAGING_COLLECTION);
    this.state = db.collection<IdentityState>(SYNC_STATE_COLLECTION);
  }

  /** Creates the indexes every look-up below relies on. Idempotent. */
  async ensureIndexes(): Promise<void> {
    await withDeadline(this.deadlines.batchMs, 'creating the identity indexes', () =>
      this.collection.createIndexes(INDEXES),
    );
  }

  private request<T>(what: string, operation: BoundedOperation<T>): Promise<T> {
    return withDeadline(this.deadlines.requestMs, what, operation);
  }

  private batch<T>(what: string, operation: BoundedOperation<T>): Promise<T> {
    return withDeadline(this.deadlines.batchMs, what, operation);
  }

  /**
   * The customers with these hub ids, in one query; ids not found are then tried as former ids
   * (aliases) of merged customers, which costs a second query only when there are such ids.
   */
  async findByIds(ids: readonly string[]): Promise<StoredIdentity[]> {
    if (ids.length === 0) return [];
    const found = await this.request('a customer look-up', (d) =>
      this.collection.find({ _id: { $in: [...ids] } }, d).toArray(),
    );
    const foundIds = new Set(found.map((doc) => doc._id));
    const missing = ids.filter((id) => !foundIds.has(id));
    if (missing.length === 0) return found;
    const merged = await this.request('a customer look-up', (d) =>
      this.collection.find({ aliases: { $in: missing } }, d).toArray(),
    );
    return [...found, ...merged];
  }

  /** Customers with this E.164 phone (usually one). */
  findByPhone(phone: string): Promise<StoredIdentity[]> {
    return this.request('a look-up by phone', (d) =>
      this.collection.find({ phones: phone }, d).sort({ _id: 1 }).limit(10).toArray(),
    );
  }

  /** Customers with this normalised e-mail (usually one). */
  findByEmail(email: string): Promise<StoredIdentity[]> {
    return this.request('a look-up by e-mail', (d) =>
      this.collection.find({ emails: email }, d).sort({ _id: 1 }).limit(10).toArray(),
    );
  }

  /**
   * Up to `first` customers after hub id `after`, in hub-id order. `batch: true` for a job's
   * page (a snapshot run's), which gets the batch deadline rather than the request one.
   */
  async page(first: number, after: string | null, options: { batch?: boolean } = {}): Promise<IdentityPage> {
    const filter = after === null ? {} : { _id: { $gt: after } };
    const ms = options.batch ? this.deadlines.batchMs : this.deadlines.requestMs;
    const items = await withDeadline(ms, 'a page of customers', (d) =>
      this.collection
        .find(filter, d)
        .sort({ _id: 1 })
        .limit(first + 1)
        .toArray(),
    );
    return { items: items.slice(0, first), hasNextPage: items.length > first };
  }

  /**
   * A customer known to at least `systems` systems (the query page's example), or the first
   * customer when none is. Stops at the first match rather than scanning the map.
   */
  async example(systems: number): Promise<StoredIdentity | null> {
    const linked = await this.request('an example customer', (d) =>
      this.collection.findOne({ [`links.${systems - 1}`]: { $exists: true } }, { sort: { _id: 1 }, ...d }),
    );
    return (
      linked ??
      (await this.request('an example customer', (d) => this.collection.findOne({}, { sort: { _id: 1 }, ...d })))
    );
  }

  /** How many customers the map holds; `batch: true` for a job's count (the batch deadline). */
  count(options: { batch?: boolean } = {}): Promise<number> {
    const ms = options.batch ? this.deadlines.batchMs : this.deadlines.requestMs;
    return withDeadline(ms, 'a count of customers', (d) => this.collection.countDocuments({}, d));
  }

  /** Every `system:key` the map knows, with its hub id: what keeps ids stable across syncs. */
  async linkIndex(): Promise<Map<string, string>> {
    const index = new Map<string, string>();
    const cursor = walkWithDeadline(this.deadlines.batchMs, 'reading the identity map', (signal) =>
      this.collection.find({}, { projection: { links: 1 }, signal }),
    );
    for await (const doc of cursor) for (const link of doc.links) index.set(`${link.system}:${link.key}`, doc._id);
    return index;
  }

  /** The state of the map's generations; null for a map no sync of this version has written. */
  readState(): Promise<IdentityState | null> {
    return this.request('the identity state', (d) => this.state.findOne({ _id: 'identity' }, d));
  }

  /**
   * Of these keys of one system, the ones some customer in the map links to (one indexed query):
   * what start-up samples to tell whether the map still describes the systems.
   */
  async knownKeys(system: string, keys: readonly string[]): Promise<Set<string>> {
    if (keys.length === 0) return new Set();
    const docs = await this.batch('a sample of the identity map', (d) =>
      this.collection
        .find({ 'links.system': system, 'links.key': { $in: [...keys] } }, { projection: { links: 1 }, ...d })
        .toArray(),
    );
    // The two dotted conditions may hold in different links of one customer: keep exact pairs only.
    const wanted = new Set(keys);
    const known = new Set<string>();
    for (const doc of docs) for (const l of doc.links) if (l.system === system && wanted.has(l.key)) known.add(l.key);
    return known;
  }

  /** True when some customer in the map links to this system (one indexed look-up). */
  async linksSystem(system: string): Promise<boolean> {
    const found = await this.batch('a sample of the identity map', (d) =>
      this.collection.findOne({ 'links.system': system }, { projection: { _id: 1 }, ...d }),
    );
    return found !== null;
  }

  /**
   * Writes a complete sync's result as the map's next generation, and only then makes it the
   * map, with one rename: readers see the old map or the new one, never a mixture, and a sync
   * that dies half-way leaves the old map serving and its state unfinished (start-up runs it
   * again). Acknowledged writes only. Returns how many customers of the old map are gone.
   */
  async replaceAll(
    customers: readonly CustomerIdentity[],
    syncedAt: Date,
    batchSize = 1_000,
  ): Promise<{ upserted: number; removed: number; generation: number }> {
    const previous = await this.batch('the identity state', (d) => this.state.findOne({ _id: 'identity' }, d));
    const generation = (previous?.generation ?? 0) + 1;
    const writeState = (state: Omit<IdentityState, '_id'>) =>
      this.batch('writing the identity state', () =>
        this.state.replaceOne({ _id: 'identity' }, state, { upsert: true }),
      );
    await writeState({ startedAt: syncedAt, finishedAt: null, generation: previous?.generation ?? 0 });
    // A generation an earlier sync left unfinished is of no use: start the next one afresh.
    await this.batch('dropping the unfinished identity map', () => dropIfExists(this.staging));
    await this.batch('indexing the next identity map', () => this.staging.createIndexes(INDEXES));
    // Two batches in flight: the hub encodes the next while the store writes the one before.
    let previousWrite: Promise<unknown> | null = null;
    let write: Promise<unknown> | null = null;
    try {
      for (let i = 0; i < customers.length; i += batchSize) {
        const docs = customers.slice(i, i + batchSize).map((customer) => ({ ...customer, syncedAt }));
        write = this.batch('writing a batch of the identity map', () =>
          this.staging.insertMany(docs, { ordered: false }),
        );
        // Awaited below; this only keeps it from going unhandled while the one before is awaited.
        write.catch(() => undefined);
        if (previousWrite) await previousWrite;
        previousWrite = write;
      }
      if (previousWrite) await previousWrite;
    } catch (error) {
      // Not before the other write has ended: it must not land in the next sync's collection.
      if (write) await Promise.allSettled([write]);
      throw error;
    }
    const before = new Set<string>();
    const ids = walkWithDeadline(this.deadlines.batchMs, 'reading the identity map', (signal) =>
      this.collection.find({}, { projection: { _id: 1 }, signal }),
    );
    for await (const doc of ids) before.add(doc._id);
    const after = new Set(customers.map((c) => c._id));
    let removed = 0;
    for (const id of before) if (!after.has(id)) removed += 1;
    if (customers.length === 0) {
      // A rename needs a source collection; an empty sync still replaces the map.
      await this.batch('emptying the identity map', () => this.collection.deleteMany({}));
      await this.batch('dropping the next identity map', () => dropIfExists(this.staging));
    } else {
      await this.batch('replacing the identity map', () =>
        replaceCollection(this.db, IDENTITY_STAGING_COLLECTION, IDENTITY_COLLECTION),
      );
    }
    await writeState({ startedAt: syncedAt, finishedAt: new Date(), generation });
    return { upserted: customers.length, removed, generation };
  }
}
