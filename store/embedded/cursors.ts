/**
 * Server-side cursors: a result stream the client pages through with getMore. Results are
 * lazy (`query.ts` generators), so an open cursor costs only what its batches read. Like
 * MongoDB, cursors are server-wide (any connection may getMore) and die after ten idle minutes.
 */
import { randomInt } from 'node:crypto';
import { BSON } from 'mongodb';
import { CommandError } from './errors';
import { bsonType, type Doc } from './values';

/** MongoDB's default first batch, in documents. */
export const DEFAULT_FIRST_BATCH = 101;
/** MongoDB closes cursors idle for this long. */
export const CURSOR_IDLE_MS = 10 * 60 * 1000;
/** A batch stops growing past this many bytes (MongoDB's 16 MiB reply budget). */
const BATCH_BYTES = 16 * 1024 * 1024;

/** One batch of a cursor: id 0 means the cursor is exhausted (and closed). */
export interface CursorBatch {
  id: BSON.Long;
  ns: string;
  docs: Doc[];
}

interface OpenCursor {
  ns: string;
  iterator: Iterator<Doc>;
  /** The document read to learn the stream wasn't over; first in the next batch. */
  pending: Doc;
  lastUsed: number;
}

/** The open cursors of one server. */
export class CursorRegistry {
  private readonly cursors = new Map<string, OpenCursor>();
  private nextId = BigInt(randomInt(1, 2 ** 40)) << 16n;

  /** How many cursors are open. */
  get size(): number {
    return this.cursors.size;
  }

  /**
   * Takes the first batch of a result; registers a cursor only if documents remain.
   * `batchSize` undefined means MongoDB's default (101); `singleBatch` closes it regardless.
   */
  open(ns: string, source: Iterable<Doc>, batchSize: number | undefined, singleBatch = false): CursorBatch {
    const iterator = source[Symbol.iterator]();
    const batch = takeBatch(iterator, undefined, batchSize ?? DEFAULT_FIRST_BATCH);
    if (batch.pending === undefined || singleBatch) {
      iterator.return?.();
      return { id: BSON.Long.ZERO, ns, docs: batch.docs };
    }
    const id = this.nextId++;
    this.cursors.set(id.toString(), { ns, iterator, pending: batch.pending, lastUsed: Date.now() });
    return { id: BSON.Long.fromBigInt(id), ns, docs: batch.docs };
  }

  /** The next batch of an open cursor; MongoDB's CursorNotFound if it isn't open. */
  getMore(rawId: unknown, batchSize: number | undefined): CursorBatch {
    const key = idString(rawId);
    const cursor = this.cursors.get(key);
    if (!cursor) throw new CommandError('CursorNotFound', `cursor id ${key} not found`);
    let batch: Batch;
    try {
      batch = takeBatch(
        cursor.iterator,
        cursor.pending,
        batchSize && batchSize > 0 ? batchSize : Number.MAX_SAFE_INTEGER,
      );
    } catch (err) {
      this.drop(key);
      throw err;
    }
    if (batch.pending === undefined) {
      this.cursors.delete(key);
      return { id: BSON.Long.ZERO, ns: cursor.ns, docs: batch.docs };
    }
    cursor.pending = batch.pending;
    cursor.lastUsed = Date.now();
    return { id: BSON.Long.fromString(key), ns: cursor.ns, docs: batch.docs };
  }

  /** Closes cursors by id; reports which were open and which weren't. */
  kill(ids: unknown[]): { killed: BSON.Long[]; notFound: BSON.Long[] } {
    const killed: BSON.Long[] = [];
    const notFound: BSON.Long[] = [];
    for (const raw of ids) {
      const key = idString(raw);
      (this.drop(key) ? killed : notFound).push(BSON.Long.fromString(key));
    }
    return { killed, notFound };
  }

  /** Closes cursors idle since before `now - idleMs`. */
  reapIdle(now = Date.now(), idleMs = CURSOR_IDLE_MS): void {
    for (const [key, cursor] of this.cursors) if (now - cursor.lastUsed > idleMs) this.drop(key);
  }

  /** Closes every cursor (server shutdown). */
  clear(): void {
    for (const key of [...this.cursors.keys()]) this.drop(key);
  }

  /** Forgets a cursor and finishes its generator; false if it wasn't open. */
  private drop(key: string): boolean {
    const cursor = this.cursors.get(key);
    if (!cursor) return false;
    this.cursors.delete(key);
    cursor.iterator.return?.();
    return true;
  }
}

interface Batch {
  docs: Doc[];
  /** The first document of the next batch; undefined when the stream is exhausted. */
  pending: Doc | undefined;
}

/**
 * Fills a batch up to `max` documents and the byte budget (a document that would cross it
 * waits for the next batch, unless the batch is empty). Reading one document past the batch is
 * how we learn whether the cursor is exhausted (id 0) without another round trip.
 */
function takeBatch(iterator: Iterator<Doc>, pending: Doc | undefined, max: number): Batch {
  const docs: Doc[] = [];
  let bytes = 0;
  let next = pending;
  for (;;) {
    if (next === undefined) {
      const result = iterator.next();
      if (result.done) return { docs, pending: undefined };
      next = result.value;
    }
    if (docs.length >= max) return { docs, pending: next };
    const size = BSON.calculateObjectSize(next);
    if (docs.length > 0 && bytes + size > BATCH_BYTES) return { docs, pending: next };
    docs.push(next);
    bytes += size;
    next = undefined;
  }
}

function idString(raw: unknown): string {
  if (typeof raw === 'number' || typeof raw === 'bigint') return String(raw);
  if (bsonType(raw) === 'Long') return (raw as BSON.Long).toString();
  throw new CommandError('TypeMismatch', `cursor id must be a 64-bit integer, found ${String(raw)}`);
}
