import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { replaceEventLoopDelayGauges } from './event-loop-delay';
import type { FastifyInstance } from 'fastify';
import { principalOf } from './auth/hook';
import { mayReadMetrics } from './auth/setup';
import type { ConnectorMetrics, UpstreamOutcome } from './runtime';

/** Node's process metrics (prom-client's defaults) are named `switchboard_process_...`, `switchboard_nodejs_...`. */
const PROCESS_METRICS_PREFIX = 'switchboard_';

/**
 * The hub's Prometheus metrics, served at `GET /metrics`: per connector cache hits, misses and
 * stale serves, upstream requests and their latency; MongoDB commands the hub sent; and Node's
 * own process metrics. One registry per hub, so tests running several hubs don't mix counts.
 */
export class HubMetrics implements ConnectorMetrics {
  readonly registry = new Registry();
  private readonly hits = new Counter({
    name: 'switchboard_cache_hits_total',
    help: 'Department records served fresh from the repository.',
    labelNames: ['connector'],
    registers: [this.registry],
  });
  private readonly misses = new Counter({
    name: 'switchboard_cache_misses_total',
    help: 'Department records missing or expired in the repository.',
    labelNames: ['connector'],
    registers: [this.registry],
  });
  private readonly stale = new Counter({
    name: 'switchboard_stale_served_total',
    help: 'Department records served stale because the system failed.',
    labelNames: ['connector'],
    registers: [this.registry],
  });
  private readonly writeFailures = new Counter({
    name: 'switchboard_cache_write_failures_total',
    help: 'Failed write-backs of fetched records to the repository.',
    labelNames: ['connector'],
    registers: [this.registry],
  });
  private readonly readFailures = new Counter({
    name: 'switchboard_cache_read_failures_total',
    help: 'Failed repository reads (served from the systems instead).',
    labelNames: ['connector'],
    registers: [this.registry],
  });
  private readonly upstreamTotal = new Counter({
    name: 'switchboard_upstream_requests_total',
    help: 'Requests to department systems, by outcome.',
    labelNames: ['connector', 'outcome'],
    registers: [this.registry],
  });
  private readonly upstreamSeconds = new Histogram({
    name: 'switchboard_upstream_request_duration_seconds',
    help: 'Latency of requests to department systems.',
    labelNames: ['connector', 'outcome'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });
  private readonly storeCommands = new Counter({
    name: 'switchboard_store_commands_total',
    help: 'Commands the hub sent to MongoDB (round trips).',
    labelNames: ['command'],
    registers: [this.registry],
  });

  private readonly shed = new Counter({
    name: 'switchboard_requests_shed_total',
    help: 'Requests refused with 503 OVERLOADED because the hub was saturated, by the signal that said so.',
    labelNames: ['signal'],
    registers: [this.registry],
  });

  constructor(options: { processMetrics?: boolean } = {}) {
    if (options.processMetrics !== false) {
      collectDefaultMetrics({ register: this.registry, prefix: PROCESS_METRICS_PREFIX });
      replaceEventLoopDelayGauges(this.registry, PROCESS_METRICS_PREFIX);
    }
  }

  cacheHits(connector: string, count: number): void {
    if (count > 0) this.hits.inc({ connector }, count);
  }
  cacheMisses(connector: string, count: number): void {
    if (count > 0) this.misses.inc({ connector }, count);
  }
  staleServed(connector: string, count: number): void {
    if (count > 0) this.stale.inc({ connector }, count);
  }
  cacheWriteFailed(connector: string): void {
    this.writeFailures.inc({ connector });
  }
  cacheReadFailed(connector: string): void {
    this.readFailures.inc({ connector });
  }
  upstreamRequest(connector: string, outcome: UpstreamOutcome, seconds: number): void {
    this.upstreamTotal.inc({ connector, outcome });
    this.upstreamSeconds.observe({ connector, outcome }, seconds);
  }
  /** Counts one request shed under load (`limits.shedding`). */
  requestShed(signal: string): void {
    this.shed.inc({ signal });
  }
  /** Counts one MongoDB command (from the driver's command monitoring). */
  storeCommand(command: string): void {
    this.storeCommands.inc({ command });
  }

  /**
   * Drops every series labelled with this connector (it is no longer served, after a reload), so
   * `/metrics` lists only the connectors the hub has; one added later starts from zero.
   */
  async forgetConnector(connector: string): Promise<void> {
    for (const metric of [this.hits, this.misses, this.stale, this.writeFailures, this.readFailures])
      metric.remove({ connector });
    for (const metric of [this.upstreamTotal, this.upstreamSeconds]) {
      const { values } = await metric.get();
      const outcomes = new Set(values.filter((v) => v.labels.connector === connector).map((v) => v.labels.outcome));
      for (const outcome of outcomes) if (outcome !== undefined) metric.remove({ connector, outcome });
    }
  }

  /** The Prometheus text exposition. */
  render(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}

/** `GET /metrics` (Prometheus text), for the admin and integrator roles only. */
export function registerMetricsRoute(app: FastifyInstance, metrics: HubMetrics): void {
  app.get('/metrics', async (request, reply) => {
    if (!mayReadMetrics(principalOf(request))) {
      return reply.code(403).send({
        errors: [{ message: 'Metrics are for the admin and integrator roles', extensions: { code: 'FORBIDDEN' } }],
      });
    }
    return reply.type(metrics.contentType).send(await metrics.render());
  });
}
