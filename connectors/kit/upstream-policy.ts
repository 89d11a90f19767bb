import axios from 'axios';
import {
  bulkhead,
  BulkheadRejectedError,
  handleWhen,
  retry,
  TaskCancelledError,
  timeout,
  TimeoutStrategy,
  type IBackoff,
  type IRetryBackoffContext,
} from 'cockatiel';

/** Retries of failed reads, from the connector's configuration. */
export interface RetrySettings {
  /** Tries per read, the first included (1: no retries). */
  maxAttempts: number;
  /** The first retry waits a random time up to this; each further one up to twice the last bound. */
  baseDelayMs: number;
  /** The longest wait before a retry; a `Retry-After` asking for longer is not retried at all. */
  maxDelayMs: number;
  /** Retries allowed as a share of reads (the retry budget), so retries never multiply an outage's load. */
  budgetPercent: number;
}

/** What bounds one system's calls. */
export interface UpstreamPolicySettings {
  /** The whole call's deadline, body included, per attempt. */
  timeoutMs: number;
  retry: RetrySettings;
  /** Calls to the system at once; more wait in the queue. */
  maxInFlight: number;
  /** Calls that may wait for a free slot; more fail at once. */
  maxQueued: number;
}

/**
 * Retries left to spend: every read earns `budgetPercent / 100` of one (up to `cap`), every
 * retry spends one. A system that fails everything gets about `budgetPercent` more calls, not
 * `maxAttempts` times as many.
 */
export class RetryBudget {
  private tokens: number;

  constructor(
    private readonly percent: number,
    private readonly cap = 10,
  ) {
    this.tokens = cap;
  }

  /** A read was made. */
  deposit(): void {
    this.tokens = Math.min(this.cap, this.tokens + this.percent / 100);
  }

  /** Takes one retry out of the budget; false when it is spent. */
  withdraw(): boolean {
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

const RETRIED_STATUSES = new Set([429, 502, 503, 504]);
const RETRIED_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE']);

/**
 * How long the system asked to be left alone (`Retry-After`, seconds or an HTTP date), in ms;
 * undefined when it did not say.
 */
export function retryAfterMs(error: unknown, now = Date.now()): number | undefined {
  if (!axios.isAxiosError(error)) return undefined;
  const header: unknown = error.response?.headers?.['retry-after'];
  if (typeof header !== 'string' || header.trim() === '') return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** True for failures worth another try: overload, a 5xx gateway answer, a dropped connection. Not timeouts. */
function isTransient(error: unknown): boolean {
  if (!axios.isAxiosError(error)) return false;
  if (error.response) return RETRIED_STATUSES.has(error.response.status);
  return error.code !== undefined && RETRIED_CODES.has(error.code);
}

/** Exponential backoff with full jitter, or exactly what `Retry-After` asked for. */
class RetryAfterBackoff implements IBackoff<IRetryBackoffContext<unknown>> {
  constructor(
    private readonly settings: RetrySettings,
    readonly duration = 0,
  ) {}

  next(context: IRetryBackoffContext<unknown>): IBackoff<IRetryBackoffContext<unknown>> {
    const asked = 'error' in context.result ? retryAfterMs(context.result.error) : undefined;
    const bound = Math.min(this.settings.maxDelayMs, this.settings.baseDelayMs * 2 ** (context.attempt - 1));
    return new RetryAfterBackoff(this.settings, asked ?? Math.random() * bound);
  }
}

/** Says why a call never reached the system, or undefined when it did. */
export type PolicyRefusal = 'timeout' | 'bulkhead';

/** What the policy threw when it, not the system, ended a call. */
export function refusalOf(error: unknown): PolicyRefusal | undefined {
  // instanceof, not cockatiel's isTaskCancelledError: in 3.2.1 it tests for the bulkhead's brand.
  if (error instanceof TaskCancelledError) return 'timeout';
  if (error instanceof BulkheadRejectedError) return 'bulkhead';
  return undefined;
}

/** Runs one system's calls: in a bulkhead, each attempt under a hard deadline, reads retried. */
export interface UpstreamPolicy {
  /** `call` gets the signal that aborts it at the deadline; `read` calls may be retried. */
  run<T>(read: boolean, call: (signal: AbortSignal) => Promise<T>): Promise<T>;
}

/**
 * Builds the policy (cockatiel): `bulkhead(maxInFlight, maxQueued)` around
 * `retry` (reads only, transient failures only, inside the budget, honouring `Retry-After` up to
 * `maxDelayMs`) around `timeout(timeoutMs, Aggressive)`, which rejects at the deadline whatever
 * the socket is doing and aborts the request. axios' own `timeout` stops counting once headers
 * arrive, so a body dribbled a byte at a time would otherwise hold the call, and every request
 * joining it, for as long as the system likes.
 */
export function createUpstreamPolicy(settings: UpstreamPolicySettings): UpstreamPolicy {
  // abortOnReturn off: the call has returned, so there is nothing left to abort, and aborting
  // builds a DOMException with its stack on every call (1.6% of a cold screen pop's CPU).
  const deadline = timeout(settings.timeoutMs, { strategy: TimeoutStrategy.Aggressive, abortOnReturn: false });
  const budget = new RetryBudget(settings.retry.budgetPercent);
  const retryable = (error: Error) => {
    if (!isTransient(error)) return false;
    const asked = retryAfterMs(error);
    if (asked !== undefined && asked > settings.retry.maxDelayMs) return false;
    return budget.withdraw();
  };
  const retries = retry(handleWhen(retryable), {
    maxAttempts: Math.max(0, settings.retry.maxAttempts - 1),
    backoff: new RetryAfterBackoff(settings.retry),
  });
  const slots = bulkhead(settings.maxInFlight, settings.maxQueued);
  const attempt = <T>(call: (signal: AbortSignal) => Promise<T>) => deadline.execute(({ signal }) => call(signal));
  return {
    run(read, call) {
      if (!read) return slots.execute(() => attempt(call));
      budget.deposit();
      return slots.execute(() => retries.execute(() => attempt(call)));
    },
  };
}
