import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';

/** Latency without each connection's first answer, and the slowest of those first answers. */
export interface EstablishedLatency {
  p50Ms: number;
  p99Ms: number;
  firstAnswersMaxMs: number;
}

/** What one load run measured, the same whichever driver produced it. */
export interface LoadResult {
  /** Operations started. */
  sent: number;
  /** Operations answered (any status). */
  completed: number;
  /** Connection errors and timeouts, non-2xx answers, and answers `verify` rejected. */
  failed: number;
  /** From the first operation sent to the last answer, seconds. */
  elapsedS: number;
  rps: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  /**
   * The answers after each connection's first, apart: a connection's first request waits for the
   * hub to accept it, which a saturated hub does late (an event-loop turn of its own). Null for a
   * driver without connections of its own (the floor's workers).
   */
  established: EstablishedLatency | null;
  /** Inputs reused because the run asked for more operations than distinct inputs (should be 0). */
  repeats: number;
  /** The start of the first failed answer (status and body), to say what went wrong; null if none. */
  firstFailure: string | null;
}

/** Nearest-rank percentile of an ascending array (0 for an empty one). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

const round = (value: number, digits = 2): number => Number(value.toFixed(digits));

/**
 * Percentiles from every latency sample, computed here for both drivers: autocannon's own
 * histogram has no p95, and one formula for the hub and the floor keeps them comparable.
 */
function summarize(
  latencies: number[],
  counts: Omit<LoadResult, 'rps' | 'p50Ms' | 'p95Ms' | 'p99Ms' | 'established'>,
  firstAnswers: number[] | null = null,
): LoadResult {
  const sorted = latencies.sort((a, b) => a - b);
  return {
    ...counts,
    elapsedS: round(counts.elapsedS, 3),
    rps: counts.elapsedS > 0 ? round(counts.completed / counts.elapsedS, 1) : 0,
    p50Ms: round(percentile(sorted, 50)),
    p95Ms: round(percentile(sorted, 95)),
    p99Ms: round(percentile(sorted, 99)),
    established: firstAnswers === null ? null : establishedOnly(sorted, firstAnswers),
  };
}

/** The percentiles of `sorted` without the first answer of each connection (`firstAnswers`). */
export function establishedOnly(sorted: readonly number[], firstAnswers: readonly number[]): EstablishedLatency {
  const rest = [...sorted];
  for (const first of firstAnswers) {
    const at = rest.indexOf(first);
    if (at >= 0) rest.splice(at, 1);
  }
  return {
    p50Ms: round(percentile(rest, 50)),
    p99Ms: round(percentile(rest, 99)),
    firstAnswersMaxMs: round(Math.max(0, ...firstAnswers)),
  };
}

/** Hands out inputs in order, each once; past the end it wraps around and counts the repeat. */
export class InputRotation<T> {
  private next = 0;
  repeats = 0;
  constructor(private readonly inputs: readonly T[]) {
    if (inputs.length === 0) throw new TypeError('InputRotation expected at least one input, but got none.');
  }
  take(): T {
    if (this.next >= this.inputs.length) this.repeats += 1;
    return this.inputs[this.next++ % this.inputs.length];
  }
}

/** A failed answer in one line: its status and first GraphQL error, or the start of its body. */
function describeFailure(status: number, body: string): string {
  try {
    const error = (JSON.parse(body) as { errors?: Array<{ message?: string; extensions?: { code?: string } }> })
      .errors?.[0];
    if (error) return `HTTP ${status}, ${error.extensions?.code ?? 'error'}: ${error.message}`;
  } catch {
    // Not JSON: show the body itself.
  }
  return `HTTP ${status}: ${body.slice(0, 200)}`;
}

/** One HTTP load run against a GraphQL endpoint. */
export interface HttpLoadSpec {
  url: string;
  connections: number;
  durationS: number;
  /** Request bodies, one per request, each used once while they last. */
  bodies: readonly string[];
  /** False for an answer that is wrong even with status 200 (GraphQL errors, a customer not found). */
  verify?: (body: string) => boolean;
  /** Extra request headers (e.g. `cache-control: no-cache` to go past the hub's response cache). */
  headers?: Record<string, string>;
}

/**
 * Drives HTTP load with autocannon, bounded by time AND by count: autocannon's `amount` would
 * override `duration`, so the count bound is `maxOverallRequests` (split across connections)
 * and the run ends at whichever comes first. Each request takes the next body from the list
 * through `setupRequest`, so a "cold" run never repeats an input.
 */
export function runHttpLoad(spec: HttpLoadSpec): Promise<LoadResult> {
  const rotation = new InputRotation(spec.bodies);
  const verify = spec.verify ?? (() => true);
  let failed = 0;
  let firstFailure: string | null = null;
  // Checked here rather than with autocannon's verifyBody, which counts a non-2xx answer twice.
  const onResponse = (status: number, body: string) => {
    if (status === 200 && verify(body)) return;
    failed += 1;
    firstFailure ??= describeFailure(status, body);
  };
  const connections = Math.max(1, Math.min(spec.connections, spec.bodies.length));
  const latencies: number[] = [];
  // Each connection's first answer (autocannon hands the connection's client to every response).
  const answered = new WeakSet<object>();
  const firstAnswers: number[] = [];
  let sent = 0;
  let lastAnswer = 0;
  const started = performance.now();
  return new Promise<LoadResult>((resolve, reject) => {
    const instance = autocannon(
      {
        url: spec.url,
        method: 'POST',
        headers: { 'content-type': 'application/json', ...spec.headers },
        connections,
        pipelining: 1,
        duration: spec.durationS,
        maxOverallRequests: spec.bodies.length,
        timeout: 30,
        requests: [
          {
            setupRequest: (request) => {
              sent += 1;
              return { ...request, body: rotation.take() };
            },
            onResponse,
          },
        ],
      },
      (error, result) => {
        if (error) return reject(error instanceof Error ? error : new Error(String(error)));
        resolve(
          summarize(
            latencies,
            {
              sent,
              completed: latencies.length,
              failed: failed + result.errors,
              elapsedS: ((lastAnswer || performance.now()) - started) / 1000,
              repeats: rotation.repeats,
              firstFailure:
                firstFailure ?? (result.errors > 0 ? `${result.errors} connection errors or timeouts` : null),
            },
            firstAnswers,
          ),
        );
      },
    );
    instance.on('response', (client, _status, _bytes, responseTime) => {
      latencies.push(responseTime);
      if (!answered.has(client)) {
        answered.add(client);
        firstAnswers.push(responseTime);
      }
      lastAnswer = performance.now();
    });
  });
}

/** A closed-loop load of `workers` concurrent loops, each running `operation` back to back. */
export interface WorkerLoadSpec<T> {
  workers: number;
  durationS: number;
  inputs: readonly T[];
  /** One operation on one input; resolves false (or rejects) when it failed. */
  operation: (input: T) => Promise<boolean>;
}

/**
 * The same measurement for code that is not one HTTP request (the floor's fan-out): N workers,
 * each starting its next operation when the last one ends (as autocannon's connections do),
 * bounded by time and by the number of inputs.
 */
export async function runWorkerLoad<T>(spec: WorkerLoadSpec<T>): Promise<LoadResult> {
  const latencies: number[] = [];
  let sent = 0;
  let failed = 0;
  let firstFailure: string | null = null;
  let lastAnswer = 0;
  const started = performance.now();
  const deadline = started + spec.durationS * 1000;
  const rotation = new InputRotation(spec.inputs);
  const worker = async (): Promise<void> => {
    while (sent < spec.inputs.length && performance.now() < deadline) {
      sent += 1;
      const input = rotation.take();
      const t0 = performance.now();
      const ok = await spec.operation(input).catch((error: unknown) => (error as Error).message ?? String(error));
      lastAnswer = performance.now();
      latencies.push(lastAnswer - t0);
      if (ok !== true) {
        failed += 1;
        firstFailure ??= ok === false ? 'the operation reported a failure' : ok;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, spec.workers) }, worker));
  return summarize(latencies, {
    sent,
    completed: latencies.length,
    failed,
    elapsedS: ((lastAnswer || performance.now()) - started) / 1000,
    repeats: rotation.repeats,
    firstFailure,
  });
}
