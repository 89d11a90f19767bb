import type { Collection, Db, Filter } from 'mongodb';
import { defaultRepositoryDeadlines, withDeadline } from './deadline';
import { isDuplicateKey } from './duplicate-key';

/** A variable a saved query declares, as its document declares it. */
export interface SavedQueryVariable {
  name: string;
  /** The GraphQL type as written, e.g. `Int!`, `[ID!]`. */
  type: string;
  /** The default as a JSON value (`null` when the document gives none, or gives `null`). */
  defaultValue: unknown;
  /** Whether the document gives a default at all (a default of `null` is one). */
  hasDefault: boolean;
  /** True when a run must give it: a non-null type without a default. */
  required: boolean;
}

/** What a save writes: everything about one version but its number and time. */
export interface SavedQueryContent {
  name: string;
  description: string;
  document: string;
  /** SHA-256 of `document`, hex: its trusted-document id. */
  hash: string;
  variables: SavedQueryVariable[];
  tags: string[];
}

/** One version of a saved query, as stored (one document per version, `_id` `<name>@<version>`). */
export interface SavedQueryVersion extends SavedQueryContent {
  _id: string;
  version: number;
  /** Who owns the query (its first saver, by name); a later save by someone else keeps the owner. */
  owner: string;
  /** The owner's stable id (`Principal.id`), which ownership is judged by. */
  ownerId: string;
  /** Who saved this version, by name. */
  savedBy: string;
  savedAt: Date;
  /** When the query's first version was saved. */
  createdAt: Date;
}

/** A saved query as listed: a copy of its latest version, whose `_id` is the query's name. */
export type SavedQueryHead = SavedQueryVersion;

/** Another save of the same query landed first, or a delete of it did: nothing of this one was stored. */
export class SavedQueryConflictError extends Error {
  override readonly name = 'SavedQueryConflictError';

  constructor(
    readonly queryName: string,
    readonly by: 'save' | 'delete' = 'save',
  ) {
    super(
      by === 'save'
        ? `Saved query "${queryName}" was saved by someone else at the same moment; nothing was stored, try again`
        : `Saved query "${queryName}" was deleted at the same moment; nothing was stored`,
    );
  }
}

/**
 * What a deleted query leaves in `saved_queries` in place of its head: its last version number,
 * so that a query saved later under the same name goes on from it (a `name@1` must never mean
 * two documents) and a save that raced the delete finds it and stores nothing.
 */
interface DeletedHead {
  _id: string;
  deleted: true;
  version: number;
  deletedAt: Date;
}

/** A head that is a live query's (not a deleted one's), as a filter and as a test. */
const LIVE = { deleted: { $ne: true } } as const;
const isLive = (head: SavedQueryHead | DeletedHead): head is SavedQueryHead => !('deleted' in head);

/** The collections: the latest version of each query, for listing; and every version, for history and runs. */
export const SAVED_QUERIES_COLLECTION = 'saved_queries';
export const SAVED_QUERY_VERSIONS_COLLECTION = 'saved_query_versions';
/** The shipped queries a store has been given once (`_id` the name), so one deleted is not brought back. */
export const SHIPPED_QUERIES_COLLECTION = 'saved_queries_shipped';

/** Regular-expression text matching `text` literally. */
function literally(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Saved queries: named, versioned GraphQL documents. Every save is a new version document (the
 * history, and what `version` runs read); the `saved_queries` collection holds a copy of each
 * query's latest version, which is what listing and search read. The version documents are the
 * truth: a head left behind by a failed write is put right by the next save.
 */
export class SavedQueryRepository {
  private readonly heads: Collection<SavedQueryHead | DeletedHead>;
  private readonly versions: Collection<SavedQueryVersion>;
  private readonly shipped: Collection<{ _id: string; at: Date }>;

  constructor(
    db: Db,
    private readonly timeoutMs = defaultRepositoryDeadlines.requestMs,
  ) {
    this.heads = db.collection<SavedQueryHead | DeletedHead>(SAVED_QUERIES_COLLECTION);
    this.versions = db.collection<SavedQueryVersion>(SAVED_QUERY_VERSIONS_COLLECTION);
    this.shipped = db.collection(SHIPPED_QUERIES_COLLECTION);
  }

  /** The names of the shipped queries this store has been given. */
  async shippedNames(): Promise<Set<string>> {
    const marks = await withDeadline(this.timeoutMs, 'reading the shipped saved queries', (d) =>
      this.shipped.find({}, d).toArray(),
    );
    return new Set(marks.map((mark) => mark._id));
  }

  /** Remembers that this shipped query was given (whatever becomes of it). */
  async markShipped(name: string, now = new Date()): Promise<void> {
    await withDeadline(this.timeoutMs, 'marking a shipped saved query', () =>
      this.shipped.updateOne({ _id: name }, { $setOnInsert: { at: now } }, { upsert: true }),
    );
  }

  /** Indexes for listing by tag, history by name, and trusted-document look-ups by hash. Idempotent. */
  async ensureIndexes(): Promise<void> {
    await Promise.all([
      this.heads.createIndex({ tags: 1 }, { name: 'tags' }),
      this.versions.createIndex({ name: 1, version: -1 }, { name: 'name_version', unique: true }),
      this.versions.createIndex({ hash: 1 }, { name: 'hash' }),
    ]);
  }

  /**
   * The latest version of every query, by name; only those tagged `tag`, and only those whose
   * name, description or a tag contains `search` (any case), when given.
   */
  async list(options: { search?: string | null; tag?: string | null } = {}): Promise<SavedQueryHead[]> {
    const filter: Filter<SavedQueryHead | DeletedHead> = { ...LIVE };
    if (options.tag) filter.tags = options.tag;
    if (options.search) {
      const pattern = { $regex: literally(options.search), $options: 'i' };
      filter.$or = [{ _id: pattern }, { description: pattern }, { tags: pattern }];
    }
    const heads = await withDeadline(this.timeoutMs, 'listing saved queries', (d) =>
      this.heads.find(filter, d).sort({ _id: 1 }).toArray(),
    );
    return heads.filter(isLive);
  }

  /** One version of a query, or its latest when `version` is not given; null when there is none. */
  async find(name: string, version?: number | null): Promise<SavedQueryVersion | null> {
    if (version !== undefined && version !== null)
      return withDeadline(this.timeoutMs, 'reading a saved query', (d) =>
        this.versions.findOne({ _id: `${name}@${version}` }, d),
      );
    const [latest] = await withDeadline(this.timeoutMs, 'reading a saved query', (d) =>
      this.versions.find({ name }, d).sort({ version: -1 }).limit(1).toArray(),
    );
    return latest ?? null;
  }

  /** Every version of a query, newest first (empty when there is no such query). */
  history(name: string): Promise<SavedQueryVersion[]> {
    return withDeadline(this.timeoutMs, 'reading a saved query history', (d) =>
      this.versions.find({ name }, d).sort({ version: -1 }).toArray(),
    );
  }

  /** A version whose document has this SHA-256, if any: saved queries are trusted documents. */
  async documentByHash(hash: string): Promise<string | null> {
    const found = await withDeadline(this.timeoutMs, 'looking up a saved query by hash', (d) =>
      this.versions.findOne({ hash }, { ...d, projection: { document: 1 } }),
    );
    return found?.document ?? null;
  }

  /**
   * Stores `content` as the version after `basedOn` (default: the latest now; null: a new query,
   * version 1, or the one after a deleted query's last) and makes it the latest. `owner` is kept
   * from the query's first version. Throws SavedQueryConflictError, having stored nothing, when
   * another save of the same query took that number first, or when the query was deleted after
   * `basedOn` was read.
   */
  async save(
    content: SavedQueryContent,
    savedBy: { id: string; name: string },
    now = new Date(),
    basedOn?: SavedQueryVersion | null,
  ): Promise<SavedQueryVersion> {
    // The version the caller checked (its owner, its existence) is the one this save follows: a
    // save landing in between took this number, and this one is then a conflict, not a silent v+2.
    const previous = basedOn === undefined ? await this.find(content.name) : basedOn;
    const deleted = previous ? null : await this.deletedHead(content.name);
    const number = (previous?.version ?? deleted?.version ?? 0) + 1;
    const version: SavedQueryVersion = {
      ...content,
      _id: `${content.name}@${number}`,
      version: number,
      owner: previous?.owner ?? savedBy.name,
      ownerId: previous?.ownerId ?? savedBy.id,
      savedBy: savedBy.name,
      savedAt: now,
      createdAt: previous?.createdAt ?? now,
    };
    try {
      await withDeadline(this.timeoutMs, 'saving a saved query', () => this.versions.insertOne(version));
    } catch (error) {
      if (isDuplicateKey(error)) throw new SavedQueryConflictError(content.name);
      throw error;
    }
    const head: SavedQueryHead = { ...version, _id: content.name };
    // Only over an older head: a save that numbered after this one may have landed first. A new
    // version of a live query never replaces a deleted one's mark: that save raced the delete.
    const over = previous
      ? { _id: content.name, version: { $lt: version.version }, ...LIVE }
      : { _id: content.name, version: { $lt: version.version } };
    try {
      await withDeadline(this.timeoutMs, 'saving a saved query', () =>
        this.heads.replaceOne(over, head, { upsert: true }),
      );
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      if (previous && (await this.deletedHead(content.name))) {
        // This version, and any a delete that stopped half-way left: the mark says the query is gone.
        await withDeadline(this.timeoutMs, 'saving a saved query', () =>
          this.versions.deleteMany({ name: content.name }),
        );
        throw new SavedQueryConflictError(content.name, 'delete');
      }
    }
    return version;
  }

  /**
   * Deletes a query with all its versions, leaving its mark (see `DeletedHead`); false when there
   * was no such query. The mark is written first, so a save that read the query before the
   * delete and writes after it finds the mark and stores nothing.
   */
  async delete(name: string, now = new Date()): Promise<boolean> {
    // A head whose versions are gone (a delete that stopped half-way) is still a query to delete.
    const latest = (await this.find(name)) ?? (await this.head(name));
    if (!latest) return false;
    const mark: DeletedHead = { _id: name, deleted: true, version: latest.version, deletedAt: now };
    await withDeadline(this.timeoutMs, 'deleting a saved query', () =>
      this.heads.replaceOne({ _id: name }, mark, { upsert: true }),
    );
    // A save that numbered past `latest` meanwhile: its number is used too, and the mark keeps it.
    const last = await this.find(name);
    if (last && last.version > latest.version)
      await withDeadline(this.timeoutMs, 'deleting a saved query', () =>
        this.heads.updateOne({ _id: name, deleted: true }, { $max: { version: last.version } }),
      );
    await withDeadline(this.timeoutMs, 'deleting a saved query', () => this.versions.deleteMany({ name }));
    return true;
  }

  /** The query as listed (a copy of its latest version), or null: what a delete left half-done still shows here. */
  async head(name: string): Promise<SavedQueryHead | null> {
    const head = await withDeadline(this.timeoutMs, 'reading a saved query', (d) =>
      this.heads.findOne({ _id: name, ...LIVE }, d),
    );
    return head && isLive(head) ? head : null;
  }

  private async deletedHead(name: string): Promise<DeletedHead | null> {
    const head = await withDeadline(this.timeoutMs, 'reading a saved query', (d) =>
      this.heads.findOne({ _id: name, deleted: true }, d),
    );
    return head && !isLive(head) ? head : null;
  }
}
