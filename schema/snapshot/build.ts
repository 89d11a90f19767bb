import { randomUUID } from 'node:crypto';
import type { Connector, FigureValues } from '../../connectors/kit';
import { describeHolder, type StoreLease } from '../../store/lease';
import type { IdentityRepository, StoredIdentity } from '../../store/identity.repository';
import type { SnapshotDocument, SnapshotRepository, SnapshotState } from '../../store/snapshot.repository';

/** Progress of a snapshot run: once at its start (`batches: 0`), then after each batch. */
export interface SnapshotProgress {
  runId: string;
  /** Customers written by this run so far, including those done before a resume. */
  customersDone: number;
  /** Customers in the identity map. */
  customersTotal: number;
  /** Batches this call has written. */
  batches: number;
}

/** What a snapshot run did. */
export interface SnapshotReport {
  runId: string;
  /** False when the run was asked to stop between batches; it resumes next time. */
  completed: boolean;
  /** Customers in the finished snapshot (written by this run, before and after any resume). */
  customers: number;
  /** Batches this call wrote (each: one request per connector, one bulk write). */
  batches: number;
  /** The hub id an unfinished run was resumed after; null for a fresh run. */
  resumedFrom: string | null;
  /** Snapshots removed at the end: customers the identity map no longer has. */
  removed: number;
  durationMs: number;
}

/** Thrown when a system fails during a run; the state is kept, so the next run resumes. */
export class SnapshotError extends Error {
  override readonly name = 'SnapshotError';
}

/** What a run needs. */
export interface SnapshotBuildOptions {
  /** Only `name` and `summarize` are used. */
  connectors: ReadonlyArray<Pick<Connector, 'name' | 'summarize'>>;
  identities: IdentityRepository;
  snapshots: SnapshotRepository;
  /** Customers per batch: per batch, one request to each system and one bulk write. */
  batchSize: number;
  /**
   * Called at the start and after each batch is written and recorded; awaited, so a caller can
   * hold the run's writing there (the batches read ahead go on being read).
   */
  onProgress?: (progress: SnapshotProgress) => void | Promise<void>;
  now?: () => Date;
  /** Asked between batches; true stops the run where it is (the hub closing). */
  shouldStop?: () => boolean;
  /** Held for the whole run (renewed after each batch), so no other process rebuilds the customer map meanwhile. */
  lease?: Pick<StoreLease, 'acquire' | 'release'>;
}

function keyIn(customer: StoredIdentity, system: string): string | null {
  return customer.links.find((link) => link.system === system)?.key ?? null;
}

/**
 * One batch's documents: every connector's figures for these customers, read in parallel (one
 * request to each system that knows any of them).
 */
async function readBatch(
  options: SnapshotBuildOptions,
  runId: string,
  customers: readonly StoredIdentity[],
  now: Date,
): Promise<SnapshotDocument[]> {
  const outcomes = await Promise.allSettled(
    options.connectors.map(async (connector) => {
      const keys = [
        ...new Set(customers.map((c) => keyIn(c, connector.name)).filter((key): key is string => key !== null)),
      ];
      return keys.length === 0 ? new Map<string, FigureValues>() : connector.summarize(keys);
    }),
  );
  const figures = outcomes.map((outcome, index) => {
    if (outcome.status === 'fulfilled') return outcome.value;
    const name = options.connectors[index].name;
    throw new SnapshotError(
      `Snapshot run stopped at the batch starting with ${customers[0]?._id}: cannot read the ${name} system: ` +
        `${(outcome.reason as Error).message}. Run it again to resume from there.`,
    );
  });
  return customers.map((customer): SnapshotDocument => {
    const doc: SnapshotDocument = {
      _id: customer._id,
      name: customer.name,
      emails: customer.emails,
      phones: customer.phones,
      links: customer.links,
      figures: {},
      asOf: {},
      runId,
      syncedAt: now,
    };
    options.connectors.forEach((connector, index) => {
      const key = keyIn(customer, connector.name);
      const values = key === null ? undefined : figures[index].get(key);
      if (values) {
        doc.figures[connector.name] = values;
        doc.asOf[connector.name] = now;
      }
    });
    return doc;
  });
}

/** A page of the identity map after `after`, with its documents read (see `readAhead`). */
interface ReadBatch {
  customers: readonly StoredIdentity[];
  docs: SnapshotDocument[];
  hasNextPage: boolean;
}

/** A batch being read: its page of the identity map (known first), then its documents. */
interface BatchAhead {
  page: Promise<{ items: readonly StoredIdentity[]; hasNextPage: boolean }>;
  batch: Promise<ReadBatch>;
}

/**
 * Batches the run reads ahead of the one it writes. The store writes one batch while the hub and
 * the systems read the next ones; with two ahead, a slow answer from one system still leaves the
 * store a batch to write.
 */
const READ_AHEAD = 2;

/**
 * Starts reading the batch after the one `previous` reads (the first batch after `after` when
 * there is none): its page of the identity map once the previous page is known, then its
 * figures. A rejection is held until the run awaits it, after the batches before it are written
 * and recorded.
 */
function readAhead(
  options: SnapshotBuildOptions,
  runId: string,
  previous: BatchAhead | { after: string | null },
  now: () => Date,
): BatchAhead {
  const page = (async () => {
    let after: string | null;
    if ('page' in previous) {
      const before = await previous.page;
      if (!before.hasNextPage || before.items.length === 0) return { items: [], hasNextPage: false };
      after = before.items.at(-1)!._id;
    } else after = previous.after;
    return options.identities.page(options.batchSize, after, { batch: true });
  })();
  const batch = page.then(async (read) => ({
    customers: read.items,
    docs: read.items.length === 0 ? [] : await readBatch(options, runId, read.items, now()),
    hasNextPage: read.hasNextPage,
  }));
  // Not awaited when the run stops or fails on a batch before: its failure is of no interest.
  batch.catch(() => undefined);
  return { page, batch };
}

/**
 * Builds customer-360 snapshots: walks the identity map in hub-id order, `batchSize` customers
 * at a time, and writes each batch with the department figures read for it (reading the next
 * batches meanwhile); after each batch it records the last hub id done. A run that did not
 * finish (a system failed, the process died) is resumed by the next call with the same run id,
 * after that hub id, with no upstream work for the batches already written. A run writes beside the snapshot that queries read, and replaces
 * it in one step at the end, so a filter never sees half a run; customers no longer in the
 * identity map are gone with the old snapshot, and the run is marked finished.
 *
 * @example
 * const report = await buildSnapshots({ connectors, identities, snapshots, batchSize: 500 });
 * // → { runId, completed: true, customers: 1000, batches: 2, resumedFrom: null, removed: 0, durationMs }
 */
export async function buildSnapshots(options: SnapshotBuildOptions): Promise<SnapshotReport> {
  const now = options.now ?? (() => new Date());
  if (!options.lease) return buildUnderLease(options, now);
  const taken = await options.lease.acquire(now());
  if (!taken.held) throw new SnapshotError(describeHolder('rebuilding the customer map', taken.holder));
  try {
    return await buildUnderLease(options, now);
  } finally {
    await options.lease.release();
  }
}

async function buildUnderLease(options: SnapshotBuildOptions, now: () => Date): Promise<SnapshotReport> {
  const started = Date.now();
  const previous = await options.snapshots.readState();
  const resuming = previous !== null && previous.finishedAt === null;
  const state: SnapshotState = resuming
    ? { ...previous }
    : {
        _id: 'snapshot',
        runId: randomUUID(),
        after: null,
        startedAt: now(),
        finishedAt: null,
        customersDone: 0,
        completed: previous?.completed ?? null,
      };
  if (!resuming) {
    await options.snapshots.beginRun();
    await options.snapshots.writeState(state);
  }
  const resumedFrom = resuming ? state.after : null;
  // A job's reads: each under the store's batch deadline, not a request's.
  const customersTotal = await options.identities.count({ batch: true });
  let batches = 0;
  const report = (completed: boolean, removed: number): SnapshotReport => ({
    runId: state.runId,
    completed,
    customers: state.customersDone,
    batches,
    resumedFrom,
    removed,
    durationMs: Date.now() - started,
  });

  const finish = async (removed: number): Promise<SnapshotReport> => {
    const finishedAt = now();
    state.finishedAt = finishedAt;
    state.completed = { runId: state.runId, startedAt: state.startedAt, finishedAt, customers: state.customersDone };
    delete state.commit;
    await options.snapshots.writeState(state);
    return report(true, removed);
  };
  // Stopped between the swap and its record: the snapshot is this run's already; only say so.
  if (resuming && state.commit && !(await options.snapshots.runPending())) return finish(state.commit.removed);

  const progress = () =>
    options.onProgress?.({ runId: state.runId, customersDone: state.customersDone, customersTotal, batches });
  await progress();
  const ahead: BatchAhead[] = [];
  const fillAhead = () => {
    while (ahead.length < READ_AHEAD && !options.shouldStop?.()) {
      ahead.push(readAhead(options, state.runId, ahead.at(-1) ?? { after: state.after }, now));
    }
  };
  /** Writes batches until the map is done (false) or the run is asked to stop (true). */
  const writeAll = async (): Promise<boolean> => {
    for (;;) {
      if (options.shouldStop?.()) return true;
      fillAhead();
      const reading = ahead.shift();
      if (!reading) return true;
      const batch: ReadBatch = await reading.batch;
      if (batch.customers.length === 0) return false;
      const last = batch.customers.at(-1)!._id;
      if (batch.hasNextPage) fillAhead();
      await options.snapshots.writeBatch(batch.docs);
      batches += 1;
      state.after = last;
      state.customersDone += batch.customers.length;
      await options.snapshots.writeState(state);
      if (options.lease && !(await options.lease.acquire(now())).held) {
        throw new SnapshotError('Snapshot run stopped: its lease on the customer map was taken by another process');
      }
      await progress();
      if (!batch.hasNextPage) return false;
    }
  };
  let stopped: boolean;
  try {
    stopped = await writeAll();
  } finally {
    // Nothing of a run is in flight once it returns: the reads ahead of a run that failed or
    // stopped would otherwise go on asking the systems (and retrying) after it.
    await Promise.allSettled(ahead.map((reading) => reading.batch));
  }
  if (stopped) return report(false, 0);

  // An identity sync between a failure and the resume may have added customers before the
  // resume point; a second pass finds them (reads only) and writes just those.
  if (resuming && (await options.snapshots.countRun(state.runId)) < customersTotal) {
    batches += await catchUp(options, state, now);
  }
  state.customersDone = await options.snapshots.countRun(state.runId);
  // Recorded before the swap, so a process that dies right after it resumes into `finish` above.
  const removed = await options.snapshots.commitRun(async (gone) => {
    state.commit = { removed: gone };
    await options.snapshots.writeState(state);
  });
  return finish(removed);
}

/** Writes the customers the run has no document for yet; returns how many batches it wrote. */
async function catchUp(options: SnapshotBuildOptions, state: SnapshotState, now: () => Date): Promise<number> {
  let after: string | null = null;
  let batches = 0;
  for (;;) {
    const page = await options.identities.page(options.batchSize, after, { batch: true });
    if (page.items.length === 0) break;
    const written = await options.snapshots.idsWrittenBy(
      state.runId,
      page.items.map((c) => c._id),
    );
    const missing = page.items.filter((c) => !written.has(c._id));
    if (missing.length > 0) {
      await options.snapshots.writeBatch(await readBatch(options, state.runId, missing, now()));
      batches += 1;
      state.customersDone += missing.length;
    }
    after = page.items.at(-1)!._id;
    if (!page.hasNextPage) break;
  }
  return batches;
}
