import { MongoBulkWriteError, type WriteError } from 'mongodb';

/** MongoDB's duplicate-key error code (E11000): a write met a unique index entry already there. */
export const DUPLICATE_KEY = 11000;

/**
 * Whether a write failed on a unique index: an insert of an `_id` taken, or an upsert whose
 * filter missed a document that is there. Read by its code, as the driver's `MongoServerError`
 * and a bulk write's per-operation `WriteError` both carry it.
 */
export function isDuplicateKey(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === DUPLICATE_KEY;
}

/**
 * The per-operation errors of a bulk write (or an unordered insert) that failed operation by
 * operation; empty when it failed as a whole (a network error, a timeout).
 */
export function writeErrorsOf(error: unknown): WriteError[] {
  return error instanceof MongoBulkWriteError ? ([] as WriteError[]).concat(error.writeErrors) : [];
}
