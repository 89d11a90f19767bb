import type { AnyBulkWriteOperation, Collection, Db } from 'mongodb';
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

/**
 * The identity map: which records in which systems are one customer. All look-ups use an index
 * (see `ensureIndexes`), so none of them scans the collection.
 */
export class IdentityRepository {
  private readonly collection: Collection<StoredIdentity>;

  constructor(db: Db) {
    this.collection = db.collection<StoredIdentity>(IDENTITY_COLLECTION);
  }

  /** Creates the indexes every look-up below relies on. Idempotent. */
  async ensureIndexes(): Promise<void> {
    await this.collection.createIndexes([
      { key: { phones: 1 }, name: 'phones' },
      { key: { emails: 1 }, name: 'emails' },
      { key: { aliases: 1 }, name: 'aliases' },
      { key: { 'links.system': 1, 'links.key': 1 }, name: 'links' },
    ]);
  }

  /**
   * The customers with these hub ids, in one query; ids not found are then tried as former ids
   * (aliases) of merged customers, which costs a second query only when there are such ids.
   */
  async findByIds(ids: readonly string[]): Promise<StoredIdentity[]> {
    if (ids.length === 0) return [];
    const found = await this.collection.find({ _id: { $in: [...ids] } }).toArray();
    const foundIds = new Set(found.map((doc) => doc._id));
    const missing = ids.filter((id) => !foundIds.has(id));
    if (missing.length === 0) return found;
    return [...found, ...(await this.collection.find({ aliases: { $in: missing } }).toArray())];
  }

  /** Customers with this E.164 phone (usually one). */
  findByPhone(phone: string): Promise<StoredIdentity[]> {
    return this.collection.find({ phones: phone }).sort({ _id: 1 }).limit(10).toArray();
  }

  /** Customers with this normalised e-mail (usually one). */
  findByEmail(email: string): Promise<StoredIdentity[]> {
    return this.collection.find({ emails: email }).sort({ _id: 1 }).limit(10).toArray();
  }

  /** Up to `first` customers after hub id `after`, in hub-id order. */
  async page(first: number, after: string | null): Promise<IdentityPage> {
    const filter = after === null ? {} : { _id: { $gt: after } };
    const items = await this.collection
      .find(filter)
      .sort({ _id: 1 })
      .limit(first + 1)
      .toArray();
    return { items: items.slice(0, first), hasNextPage: items.length > first };
  }

  /**
   * A customer known to at least `systems` systems (the query page's example), or the first
   * customer when none is. Stops at the first match rather than scanning the map.
   */
  async example(systems: number): Promise<StoredIdentity | null> {
    const linked = await this.collection.findOne({ [`links.${systems - 1}`]: { $exists: true } }, { sort: { _id: 1 } });
    return linked ?? (await this.collection.findOne({}, { sort: { _id: 1 } }));
  }

  /** How many customers the map holds. */
  count(): Promise<number> {
    return this.collection.countDocuments({});
  }

  /** Every `system:key` the map knows, with its hub id: what keeps ids stable across syncs. */
  async linkIndex(): Promise<Map<string, string>> {
    const index = new Map<string, string>();
    const cursor = this.collection.find({}, { projection: { links: 1 } });
    for await (const doc of cursor) for (const link of doc.links) index.set(`${link.system}:${link.key}`, doc._id);
    return index;
  }

  /**
   * Writes a complete sync's result: upserts every customer and removes the ones this sync no
   * longer found (merged into another, or gone from every system). Acknowledged writes only.
   */
  async replaceAll(
    customers: readonly CustomerIdentity[],
    syncedAt: Date,
    batchSize = 1_000,
  ): Promise<{ upserted: number; removed: number }> {
    for (let i = 0; i < customers.length; i += batchSize) {
      const ops: AnyBulkWriteOperation<StoredIdentity>[] = customers.slice(i, i + batchSize).map((customer) => ({
        replaceOne: { filter: { _id: customer._id }, replacement: { ...customer, syncedAt }, upsert: true },
      }));
      await this.collection.bulkWrite(ops, { ordered: false });
    }
    const removed = await this.collection.deleteMany({ syncedAt: { $lt: syncedAt } });
    return { upserted: customers.length, removed: removed.deletedCount };
  }
}
