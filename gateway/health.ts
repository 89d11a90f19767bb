/**
 * Health for a load balancer: `GET /healthz` (the process is up; touches nothing) and
 * `GET /readyz` (the store answers and every connector's system is healthy with its breaker
 * closed). Readiness is checked at most once per `cacheMs`, and concurrent probes share the check
 * in flight, so a probe storm never becomes a storm on the store or the systems. Answers carry
 * only ok/not ok and a stable reason code per check; what actually failed goes to the log.
 */
import type { FastifyInstance } from 'fastify';
import type { Connector } from '../connectors/kit';
import type { HubLogger } from './logger';

/** Why a check is not ok: stable codes, safe to show anyone. */
export const ReadinessReason = {
  /** The repository did not answer a ping. */
  STORE_UNAVAILABLE: 'STORE_UNAVAILABLE',
  /** The department system's own health check failed. */
  UPSTREAM_UNHEALTHY: 'UPSTREAM_UNHEALTHY',
  /** The connector's circuit breaker is open after repeated failures. */
  BREAKER_OPEN: 'BREAKER_OPEN',
  /** The check took longer than `timeoutMs`. */
  CHECK_TIMEOUT: 'CHECK_TIMEOUT',
} as const;
export type ReadinessReason = (typeof ReadinessReason)[keyof typeof ReadinessReason];

/** One check's outcome as callers see it. */
export type CheckResult = { ok: true } | { ok: false; reason: ReadinessReason };

/** The hub's readiness: `ok` when every check is. Checks are `store` and one per connector, by name. */
export interface Readiness {
  ok: boolean;
  checks: Record<string, CheckResult>;
}

/** What readiness checks and how often. */
export interface ReadinessOptions {
  /** Pings the store; rejects when it does not answer. */
  pingStore: () => Promise<unknown>;
  connectors: readonly Connector[];
  logger: HubLogger;
  /** How long a finished check is reused, ms. Default 2000. */
  cacheMs?: number;
  /** How long one check may take before it counts as failed, ms. Default 2500. */
  timeoutMs?: number;
  /** The clock the cache expires by, ms since the epoch (tests move it). Default `Date.now`. */
  now?: () => number;
}

/** A readiness check whose result is cached and shared. */
export interface ReadinessCheck {
  /** The latest result at most `cacheMs` old, the check in flight, or a new check. */
  check(): Promise<Readiness>;
}

type Outcome = { result: CheckResult; detail?: string };

function withTimeout(work: Promise<Outcome>, timeoutMs: number): Promise<Outcome> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<Outcome>((resolve) => {
    timer = setTimeout(
      () =>
        resolve({
          result: { ok: false, reason: ReadinessReason.CHECK_TIMEOUT },
          detail: `no answer in ${timeoutMs} ms`,
        }),
      timeoutMs,
    );
    timer.unref();
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Creates the readiness check. The store ping and the systems' health checks are the costly
 * part and are cached; breaker states are in memory and read at every call, so an opened breaker
 * shows at once.
 */
export function createReadinessCheck(options: ReadinessOptions): ReadinessCheck {
  const cacheMs = options.cacheMs ?? 2_000;
  const timeoutMs = options.timeoutMs ?? 2_500;
  const now = options.now ?? Date.now;
  let cached: { at: number; outcomes: Record<string, Outcome> } | null = null;
  let inFlight: Promise<Record<string, Outcome>> | null = null;
  const failing = new Set<string>();

  const probe = async (): Promise<Record<string, Outcome>> => {
    const store = options.pingStore().then(
      (): Outcome => ({ result: { ok: true } }),
      (error: unknown): Outcome => ({
        result: { ok: false, reason: ReadinessReason.STORE_UNAVAILABLE },
        detail: (error as Error).message,
      }),
    );
    const systems = options.connectors.map((connector) =>
      connector.health().then(
        (health): Outcome =>
          health.ok
            ? { result: { ok: true } }
            : { result: { ok: false, reason: ReadinessReason.UPSTREAM_UNHEALTHY }, detail: health.detail },
        (error: unknown): Outcome => ({
          result: { ok: false, reason: ReadinessReason.UPSTREAM_UNHEALTHY },
          detail: (error as Error).message,
        }),
      ),
    );
    const names = ['store', ...options.connectors.map((c) => c.name)];
    const outcomes = await Promise.all([store, ...systems].map((work) => withTimeout(work, timeoutMs)));
    const byName = Object.fromEntries(names.map((name, i) => [name, outcomes[i]]));
    // Log changes only: a failing check probed every 2 s must not flood the log.
    for (const [name, outcome] of Object.entries(byName)) {
      if (!outcome.result.ok && !failing.has(name)) {
        failing.add(name);
        options.logger.warn(`readiness: ${name} is not ready (${outcome.result.reason}): ${outcome.detail ?? ''}`);
      } else if (outcome.result.ok && failing.delete(name)) {
        options.logger.info(`readiness: ${name} is ready again`);
      }
    }
    return byName;
  };

  const latest = (): Promise<Record<string, Outcome>> => {
    if (cached && now() - cached.at < cacheMs) return Promise.resolve(cached.outcomes);
    return (inFlight ??= probe()
      .then((outcomes) => {
        cached = { at: now(), outcomes };
        return outcomes;
      })
      .finally(() => (inFlight = null)));
  };

  return {
    async check() {
      const outcomes = await latest();
      const checks: Record<string, CheckResult> = {};
      for (const [name, outcome] of Object.entries(outcomes)) checks[name] = outcome.result;
      for (const connector of options.connectors) {
        if (connector.breakerOpen?.()) checks[connector.name] = { ok: false, reason: ReadinessReason.BREAKER_OPEN };
      }
      return { ok: Object.values(checks).every((check) => check.ok), checks };
    },
  };
}

/**
 * Registers `GET /healthz` and `GET /readyz`. `readiness` may be a function, read at each probe:
 * the check of the connectors served now (a reload builds a new one).
 */
export function registerHealthRoutes(app: FastifyInstance, readiness: ReadinessCheck | (() => ReadinessCheck)): void {
  const current = typeof readiness === 'function' ? readiness : () => readiness;
  app.get('/healthz', async (_request, reply) => reply.header('cache-control', 'no-store').send({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    const { ok, checks } = await current().check();
    return reply
      .code(ok ? 200 : 503)
      .header('cache-control', 'no-store')
      .send({ status: ok ? 'ok' : 'unavailable', checks });
  });
}
