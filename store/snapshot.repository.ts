import type { AnyBulkWriteOperation, Collection, Db, Filter } from 'mongodb';
import type { FigureValues } from '../connectors/kit';
import type { SystemLink } from '../schema/identity/link';
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
  /** The run that wrote this document; the end of a run removes every other run's documents. */
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
 */
export class SnapshotRepository {
  private readonly collection: Collection<SnapshotDocument>;
  private readonly state: Collection<SnapshotState>;

  constructor(db: Db) {
    this.collection = db.collection<SnapshotDocument>(SNAPSHOT_COLLECTION);
    this.state = db.collection<SnapshotState>(SYNC_STATE_COLLECTION);
  }

  /** Creates one index per figure, `{ 'figures.<c>.<f>': 1, _id: 1 }`, plus one on `runId`. Idempotent. */
  async ensureIndexes(figures: ReadonlyArray<{ connector: string; name: string }>): Promise<void> {
    await this.collection.createIndexes([
      { key: { runId: 1 }, name: 'runId' },
      ...figures.map((f) => ({
        key: { [figurePath(f.connector, f.name)]: 1, _id: 1 },
        name: figureIndexName(f.connector, f.name),
      })),
    ]);
  }

  /** Writes one batch of documents in one acknowledged bulk upsert. */
  async writeBatch(docs: readonly SnapshotDocument[]): Promise<void> {
    if (docs.length === 0) return;
    const ops: AnyBulkWriteOperation<SnapshotDocument>[] = docs.map((doc) => ({
      replaceOne: { filter: { _id: doc._id }, replacement: doc, upsert: true },
    }));
    await this.collection.bulkWrite(ops, { ordered: false });
  }

  /** Which of these hub ids already have a document from `runId` (one `$in` read). */
  async idsWrittenBy(runId: string, ids: readonly string[]): Promise<Set<string>> {
    const found = await this.collection.find({ _id: { $in: [...ids] }, runId }, { projection: { _id: 1 } }).toArray();
    return new Set(found.map((doc) => doc._id));
  }

  /** How many documents `runId` wrote. */
  countRun(runId: string): Promise<number> {
    return this.collection.countDocuments({ runId });
  }

  /** Removes every document another run wrote: customers the identity map no longer has. */
  async removeOtherRuns(runId: string): Promise<number> {
    return (await this.collection.deleteMany({ runId: { $ne: runId } })).deletedCount;
  }

  /** The state of the latest run; null before the first. */
  readState(): Promise<SnapshotState | null> {
    return this.state.findOne({ _id: 'snapshot' });
  }

  /** Records the run's state (acknowledged). */
  async writeState(state: SnapshotState): Promise<void> {
    await this.state.replaceOne({ _id: 'snapshot' }, state, { upsert: true });
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
        ...(await this.collection
          .find(find.filter as Filter<SnapshotDocument>)
          .sort(find.sort)
          .limit(wanted)
          .toArray()),
      );
      if (items.length > query.first) break;
    }
    return { items: items.slice(0, query.first), hasNextPage: items.length > query.first };
  }

  /** How many customers the conditions select. */
  count(conditions: readonly FigureCondition[]): Promise<number> {
    return this.collection.countDocuments(countFilter(conditions));
  }
}
