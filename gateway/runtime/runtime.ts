import type { RecordStore } from './record-store';

/** How an upstream request ended, for metrics. */
export type UpstreamOutcome = 'ok' | 'error' | 'timeout' | 'breaker_open';

/** What connectors count; the gateway implements it with Prometheus counters. */
export interface ConnectorMetrics {
  cacheHits(connector: string, count: number): void;
  cacheMisses(connector: string, count: number): void;
  staleServed(connector: string, count: number): void;
  upstreamRequest(connector: string, outcome: UpstreamOutcome, seconds: number): void;
  cacheWriteFailed(connector: string): void;
  cacheReadFailed(connector: string): void;
}

/** Metrics that count nothing (tests, tools). */
export const noMetrics: ConnectorMetrics = {
  cacheHits: () => undefined,
  cacheMisses: () => undefined,
  staleServed: () => undefined,
  upstreamRequest: () => undefined,
  cacheWriteFailed: () => undefined,
  cacheReadFailed: () => undefined,
};

/** What the hub gives every connector it creates. */
export interface ConnectorRuntime {
  /** The repository every connector caches its records in; null runs without a cache. */
  readonly records: RecordStore | null;
  /** Fresh records kept decoded in memory per connector, in front of the repository (0: none). */
  readonly memoryEntries: number;
  /** Bytes (approximate) that in-memory layer may hold per connector; default 32 MiB. */
  readonly memoryBytes?: number;
  readonly metrics: ConnectorMetrics;
  /** The clock freshness is judged by (tests move it). */
  readonly now: () => Date;
  /** Where declared credentials are read from; default `process.env`. */
  readonly env?: NodeJS.ProcessEnv;
  /** Where the connector reports trouble it survives (a failed cache write). */
  warn(message: string): void;
}

/** A runtime without cache, metrics or clock tricks. */
export function bareRuntime(): ConnectorRuntime {
  return { records: null, memoryEntries: 0, metrics: noMetrics, now: () => new Date(), warn: () => undefined };
}
