import type { AnyBulkWriteOperation, Collection, Db, Filter, IndexDescription } from 'mongodb';
import type { FigureValues } from '../connectors/kit';
import type { SystemLink } from '../schema/identity/link';
import { dropIfExists, replaceCollection } from './collections';
import { isDuplicateKey, writeErrorsOf } from './duplicate-key';
import {
  defaultRepositoryDeadlines,
  walkWithDeadline,
  withDeadline,
  type BoundedOperation,
  type RepositoryDeadlines,
} from './deadline';
import {
  countFilter,
  planSnapshotFinds,
  type FigureCondition,
  type SnapshotPosition,
  type SnapshotSort,
} from './snapshot.query';

/** One customer-360 document: identity plus each department's figures, as of one snapshot run. */
export interface SnapshotDocument {
  /** The hub id. */
  _id: string;
  name: string;
  emails: string[];
  phones: string[];
  /** Kept with the figures so a filtered page can be stitched to the departments without another read. */
  links: SystemLink[];
  /** By connector, then figure; a system that does not know the customer has no entry. */
  figures: Record<string, FigureValues>;
  /** When each connector's figures were read from its system. */
  asOf: Record<string, Date>;
  /** The run that wrote this document. */
  runId: string;
  syncedAt: Date;
}

/** A snapshot run that went through to the end. */
export interface CompletedRun {
  runId: string;
  startedAt: Date;
  finishedAt: Date;
  customers: number;
}

/** Where the latest snapshot run is: what a resumed run starts from. */
export interface SnapshotState {
  _id: 'snapshot';
  runId: string;
  /** The last hub id whose batch is written; null before the first batch. */
  after: string | null;
  startedAt: Date;
  /** Null while the run is unfinished (running, or stopped by a failure and waiting to resume). */
  finishedAt: Date | null;
  customersDone: number;
  /** The last run that finished: until one has, there is no snapshot to query. */
  completed: CompletedRun | null;
  /**
   * Set just before the run's collection is swapped in over the snapshot, until the run is
   * recorded finished: a resume that finds it set and the run's collection gone knows the swap
   * went through and only records it, rather than reading every customer again.
   */
  commit?: { removed: number };
}

/** One page of a snapshot query. */
export interface SnapshotPage {
  items: SnapshotDocument[];
  hasNextPage: boolean;
}

/** What to read: conditions on figures, an optional order, and a keyset position. */
export interface SnapshotQuery {
  conditions: readonly FigureCondition[];
  sort: SnapshotSort | null;
  first: number;
  after: SnapshotPosition | null;
}

/** The collection customer-360 documents live in. */
export const SNAPSHOT_COLLECTION = 'snapshots';
/** Where a run writes its documents; renamed over `snapshots` when the run finishes. */
export const SNAPSHOT_STAGING_COLLECTION = 'snapshots.next';
/** The collection of sync progress documents (`_id: 'snapshot'` for snapshots). */
export const SYNC_STATE_COLLECTION = 'sync_state';

/** A figure's path in a snapshot document: `figures.accounting.overdueAmount`. */
export function figurePath(connector: string, figure: string): string {
  return `figures.${connector}.${figure}`;
}

/** The name of the index on a figure: `fig_accounting_overdueAmount`. */
export function figureIndexName(connector: string, figure: string): string {
  return `fig_${connector}_${figure}`;
}

/**
 * Customer-360 snapshots and the state of the run that writes them. Every filter and sort on a
 * figure has an index (`ensureIndexes`), with the hub id second so ties keep a stable order.
 * Every call has a client-side deadline: queries the request one, a run's operations each the
 * batch one (`RepositoryDeadlines`); past it the call rejects with a StoreTimeoutError.
 */
export class SnapshotRepository {
  private readonly collection: Collection<SnapshotDocument>;
  private readonly staging: Collection<SnapshotDocument>;
  private readonly state: Collection<SnapshotState>;
  private indexes: IndexDescription[] = [{ key: { runId: 1 }, name: 'runId' }];
  /** True once this instance has created the run's collection's indexes (or seen them created). */
  private stagingIndexed = false;

  constructor(
    private readonly db: Db,
    private readonly deadlines: RepositoryDeadlines = defaultRepositoryDeadlines,
  ) {
    this.collection = db.collection<SnapshotDocument>(SNAPSHOT_COLLECTION);
    this.staging = db.collection<SnapshotDocument>(SNAPSHOT_STAGING_COLLECTION);
    this.state = db.collection<SnapshotState>(SYNC_STATE_COLLECTION);
  }

  /**
   * Creates one index per figure, `{ 'figures.<c>.<f>': 1, _id: 1 }`, plus one on `runId`, and
   * remembers them for the collections later runs write. Idempotent.
   */
  async ensureIndexes(figures: ReadonlyArray<{ connector: string; name: string }>): Promise<void> {
    this.indexes = [
      { key: { runId: 1 }, name: 'runId' },
      ...figures.map((f) => ({
        key: { [figurePath(f.connector, f.name)]: 1, _id: 1 },
        name: figureIndexName(f.connector, f.name),
      })),
    ];
    const indexes = this.indexes;
    await this.batch('creating the snapshot indexes', () => this.collection.createIndexes(indexes));
  }

  private request<T>(what: string, operation: BoundedOperation<T>): Promise<T> {
    return withDeadline(this.deadlines.requestMs, what, operation);
  }

  private batch<T>(what: string, operation: BoundedOperation<T>): Promise<T> {
    return withDeadline(this.deadlines.batchMs, what, operation);
  }

  private ids(collection: Collection<SnapshotDocument>): AsyncGenerator<Pick<SnapshotDocument, '_id'>> {
    return walkWithDeadline(this.deadlines.batchMs, 'reading snapshot ids', (signal) =>
      collection.find<Pick<SnapshotDocument, '_id'>>({}, { projection: { _id: 1 }, signal }),
    );
  }

  /** Starts a run's collection afresh (what an earlier unfinished run left there is dropped). */
  async beginRun(): Promise<void> {
    await this.batch('dropping the unfinished run', () => dropIfExists(this.staging));
    await this.indexStaging();
  }

  /**
   * Creates the run's collection with every figure index, or adds any it lacks (idempotent):
   * whoever writes it first, a fresh run or a resume in a new process, writes it indexed, so the
   * indexes move with it into place and filters never scan.
   */
  private async indexStaging(): Promise<void> {
    await this.batch('indexing the run', () => this.staging.createIndexes(this.indexes));
    this.stagingIndexed = true;
  }

  /** True while the run's collection exists, i.e. the run has not been swapped in (one listCollections). */
  async runPending(): Promise<boolean> {
    const found = await this.batch('looking for the run', ({ signal }) =>
      this.db.listCollections({ name: SNAPSHOT_STAGING_COLLECTION }, { nameOnly: true, signal }).toArray(),
    );
    return found.length > 0;
  }

  /**
   * Writes one batch of the run's documents, acknowledged: one unordered insert, the run's
   * collection being new; documents already there (a batch written again after the process
   * stopped before recording it) are then replaced, in one bulk write.
   */
  async writeBatch(docs: readonly SnapshotDocument[]): Promise<void> {
    if (docs.length === 0) return;
    // A bulk write into a missing collection would create it bare, without the figure indexes.
    if (!this.stagingIndexed) await this.indexStaging();
    let written: readonly SnapshotDocument[] = [];
    try {
      await this.batch('writing a snapshot batch', () => this.staging.insertMany([...docs], { ordered: false }));
      return;
    } catch (error) {
      written = alreadyThere(error, docs);
      if (written.length === 0) throw error;
    }
    const ops: AnyBulkWriteOperation<SnapshotDocument>[] = written.map((doc) => ({
      replaceOne: { filter: { _id: doc._id }, replacement: doc, upsert: true },
    }));
    await this.batch('writing a snapshot batch', () => this.staging.bulkWrite(ops, { ordered: false }));
  }

  /** Which of these hub ids the run under way has written already (one `$in` read). */
  async idsWrittenBy(runId: string, ids: readonly string[]): Promise<Set<string>> {
    const found = await this.batch('reading a batch of the run', (d) =>
      this.staging.find({ _id: { $in: [...ids] }, runId }, { projection: { _id: 1 }, ...d }).toArray(),
    );
    return new Set(found.map((doc) => doc._id));
  }

  /** How many documents the run's collection holds. */
  private countStaging(): Promise<number> {
    return this.batch('counting the run', (d) => this.staging.countDocuments({}, d));
  }

  /** How many documents the run under way has written. */
  countRun(runId: string): Promise<number> {
    return this.batch('counting the run', (d) => this.staging.countDocuments({ runId }, d));
  }

  /**
   * Makes the run's documents the snapshot, with one rename over the old one: filters read the
   * previous run's documents until this moment and this run's from it, never a mixture. Returns
   * how many customers of the previous snapshot the new one no longer has. `beforeSwap` is
   * awaited with that number just before the swap (the build records the commit there).
   */
  async commitRun(beforeSwap?: (removed: number) => Promise<void>): Promise<number> {
    const before: string[] = [];
    for await (const doc of this.ids(this.collection)) before.push(doc._id);
    // The run's ids are read only when there is an earlier snapshot to compare them with.
    const next = new Set<string>();
    if (before.length > 0) for await (const doc of this.ids(this.staging)) next.add(doc._id);
    const removed = before.filter((id) => !next.has(id)).length;
    await beforeSwap?.(removed);
    this.stagingIndexed = false;
    if ((before.length > 0 ? next.size : await this.countStaging()) === 0) {
      await this.batch('emptying the snapshot', () => this.collection.deleteMany({}));
      await this.batch('dropping the run', () => dropIfExists(this.staging));
      return removed;
    }
    await this.batch('replacing the snapshot', () =>
      replaceCollection(this.db, SNAPSHOT_STAGING_COLLECTION, SNAPSHOT_COLLECTION),
    );
    return removed;
  }

  /**
   * Drops the snapshot, any run under way and their state: for a map of another world, whose
   * figures must not answer filters. Filtered lists are SNAPSHOT_UNAVAILABLE until a run finishes.
   */
  async discard(): Promise<void> {
    this.stagingIndexed = false;
    await this.batch('emptying the snapshot', () => this.collection.deleteMany({}));
    await this.batch('dropping the run', () => dropIfExists(this.staging));
    await this.batch('dropping the snapshot state', () => this.state.deleteOne({ _id: 'snapshot' }));
  }

  /** The state of the latest run; null before the first. */
  readState(): Promise<SnapshotState | null> {
    return this.request('the snapshot state', (d) => this.state.findOne({ _id: 'snapshot' }, d));
  }

  /** Records the run's state (acknowledged). */
  async writeState(state: SnapshotState): Promise<void> {
    await this.batch('writing the snapshot state', () =>
      this.state.replaceOne({ _id: 'snapshot' }, state, { upsert: true }),
    );
  }

  /**
   * A page of customers the conditions select, in the query's order. A page is one `find`,
   * except a sorted page that reaches the customers without the sort figure (nulls come last).
   */
  async query(query: SnapshotQuery): Promise<SnapshotPage> {
    const items: SnapshotDocument[] = [];
    for (const find of planSnapshotFinds(query.conditions, query.sort, query.after)) {
      const wanted = query.first + 1 - items.length;
      items.push(
        ...(await this.request('a snapshot query', (d) =>
          this.collection
            .find(find.filter as Filter<SnapshotDocument>, d)
            .sort(find.sort)
            .limit(wanted)
            .toArray(),
        )),
      );
      if (items.length > query.first) break;
    }
    return { items: items.slice(0, query.first), hasNextPage: items.length > query.first };
  }

  /** How many customers the conditions select. */
  count(conditions: readonly FigureCondition[]): Promise<number> {
    return this.request('a snapshot count', (d) => this.collection.countDocuments(countFilter(conditions), d));
  }
}

/**
 * The documents an unordered insert refused because their `_id` is taken; empty when it failed
 * for any other reason (or for any other document too), which the caller then raises.
 */
function alreadyThere(error: unknown, docs: readonly SnapshotDocument[]): SnapshotDocument[] {
  const writeErrors = writeErrorsOf(error);
  if (writeErrors.length === 0 || !writeErrors.every(isDuplicateKey)) return [];
  const refused = writeErrors.map((writeError) => docs[writeError.index]);
  return refused.every((doc) => doc !== undefined) ? refused : [];
}
