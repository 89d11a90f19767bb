import { MongoNetworkError, MongoServerSelectionError, type AbstractCursor } from 'mongodb';

/**
 * How long one store operation may take, ms: `request` for what a client waits on (look-ups,
 * pages, counts, API keys, notices), `batch` for one operation of a long job (a sync's bulk
 * insert, a snapshot batch's bulk write, a page of a job's cursor). Deadlines are per operation,
 * never per job: a run of a million customers is many operations, each one bounded.
 */
export interface RepositoryDeadlines {
  requestMs: number;
  batchMs: number;
}

/** The deadlines repositories use when none are given (the config's defaults). */
export const defaultRepositoryDeadlines: RepositoryDeadlines = { requestMs: 2_000, batchMs: 60_000 };

/** A store operation did not finish within its deadline: the store is stalled or unreachable. */
export class StoreTimeoutError extends Error {
  override readonly name = 'StoreTimeoutError';
  /** Stable, for logs and callers that branch on it. */
  readonly code = 'STORE_TIMEOUT';

  constructor(
    readonly operation: string,
    readonly timeoutMs: number,
  ) {
    super(`The store did not answer ${operation} within ${timeoutMs} ms`);
  }
}

/** True for a failure that means the store cannot be reached now (a deadline, the network, no server). */
export function isStoreUnavailable(error: unknown): boolean {
  return (
    error instanceof StoreTimeoutError ||
    error instanceof MongoNetworkError ||
    error instanceof MongoServerSelectionError
  );
}

/** What a bounded read passes to the driver: its abort signal, and `maxTimeMS` so a real server stops too. */
export interface ReadDeadline {
  signal: AbortSignal;
  maxTimeMS: number;
}

/** A store call given its deadline's signal and `maxTimeMS`. */
export type BoundedOperation<T> = (deadline: ReadDeadline) => Promise<T>;

/**
 * One operation under a client-side deadline. The driver (6.x) ignores `timeoutMS`, and
 * `maxTimeMS` is enforced by the server, which is the part that may be stuck; so the deadline is
 * a timer here: it aborts the operation's `AbortSignal` (the driver then gives up its socket or
 * its wait for one) and rejects with a StoreTimeoutError at once, whether or not the operation
 * takes the signal (write helpers do not). `operation` gets the signal and `maxTimeMS` to pass on.
 *
 * @example
 * const docs = await withDeadline(2_000, 'a customer look-up', (d) => collection.find(filter, d).toArray());
 */
export async function withDeadline<T>(ms: number, what: string, operation: BoundedOperation<T>): Promise<T> {
  const controller = new AbortController();
  // Built only when the deadline passes: an error captures a stack trace, which every store
  // operation of every request would otherwise pay for (1.4% of a cold screen pop's CPU).
  let timeout: StoreTimeoutError | undefined;
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      timeout = new StoreTimeoutError(what, ms);
      controller.abort(timeout);
      reject(timeout);
    }, ms);
  });
  const work = operation({ signal: controller.signal, maxTimeMS: ms });
  // A late failure of the abandoned operation must not surface as an unhandled rejection.
  work.catch(() => undefined);
  try {
    return await Promise.race([work, expired]);
  } catch (error) {
    // The driver rejects with its own error once the signal aborts: report the deadline.
    throw timeout ?? error;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Every document of a cursor, with a deadline on each round trip (the first batch and each
 * `getMore`) rather than on the whole walk, so a long walk over a big collection is never cut
 * off while a stalled store still is. No `maxTimeMS`: the server counts it over the cursor's life.
 */
export async function* walkWithDeadline<T>(
  ms: number,
  what: string,
  open: (signal: AbortSignal) => Pick<AbstractCursor<T>, 'next' | 'bufferedCount' | 'close'>,
): AsyncGenerator<T> {
  const controller = new AbortController();
  const cursor = open(controller.signal);
  try {
    for (;;) {
      // A document from the batch in hand costs no round trip; only a refill can stall.
      const doc =
        cursor.bufferedCount() > 0
          ? await cursor.next()
          : await withDeadline(ms, what, async ({ signal }) => {
              signal.addEventListener('abort', () => controller.abort(signal.reason), { once: true });
              return cursor.next();
            });
      if (doc === null) return;
      yield doc;
    }
  } finally {
    // Not awaited: closing a cursor on a stalled store is itself a round trip that may not end.
    void cursor.close().catch(() => undefined);
  }
}
