import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import underPressure, { type FastifyUnderPressureOptions } from '@fastify/under-pressure';
import { ErrorCode } from '../schema/errors';

/** When the hub refuses work because it is saturated (`limits.shedding` in the configuration). */
export interface LoadSheddingOptions {
  /**
   * Refuse requests while the event loop's mean delay over the last sample is above this, ms
   * (0: never on this signal). A saturated hub answers everyone late; refusing some at once keeps
   * the rest on time, and a client told `Retry-After` backs off instead of timing out.
   */
  maxEventLoopDelayMs: number;
  /** Refuse requests while the event loop was busy more than this share of the last sample (0: never). */
  maxEventLoopUtilization: number;
  /** How often the event loop is sampled, ms. */
  sampleIntervalMs: number;
  /** The `Retry-After` a refused request gets, seconds. */
  retryAfterSeconds: number;
}

/** Paths that answer even under pressure: an operator must still see health and metrics. */
const NEVER_SHED = new Set(['/health', '/healthz', '/readyz', '/metrics']);

/**
 * Whether a request is refused under pressure: not the paths above, not the operator's own
 * `/admin/` routes (a sync or a key change on a busy hub), and not a request no route matches
 * (its 404 costs less than a refusal would say). Change notices are shed: their senders retry.
 */
function sheddable(request: FastifyRequest): boolean {
  const route = request.routeOptions.url;
  return route !== undefined && !NEVER_SHED.has(route) && !route.startsWith('/admin/');
}

/** The answer to a shed request: 503, `Retry-After`, and a GraphQL-shaped body with OVERLOADED. */
function overloaded(reply: FastifyReply, retryAfterSeconds: number) {
  void reply.code(503).header('retry-after', String(retryAfterSeconds)).type('application/json; charset=utf-8');
  return {
    errors: [
      {
        message: `The hub is overloaded and did not start this request; retry after ${retryAfterSeconds} s`,
        extensions: { code: ErrorCode.OVERLOADED, retryAfterSeconds },
      },
    ],
  };
}

/** What the plugin's types say a pressure handler returns; its code also sends any other value it gets back. */
type PressureHandler = NonNullable<FastifyUnderPressureOptions['pressureHandler']>;

/**
 * The pressure handler: nothing for the paths that always answer (the plugin then lets the
 * request through), else the OVERLOADED body, which the plugin sends as the answer (its source:
 * a result that is neither null nor a promise goes to `reply.send`; its types do not say so).
 */
function shedUnlessExempt(retryAfterSeconds: number, onShed: (signal: string) => void): PressureHandler {
  const handler = (request: FastifyRequest, reply: FastifyReply, signal: string) => {
    if (!sheddable(request)) return undefined;
    onShed(signal);
    return overloaded(reply, retryAfterSeconds);
  };
  return handler as unknown as PressureHandler;
}

/**
 * Sheds load early, before authentication or parsing, while the event loop is saturated
 * (`@fastify/under-pressure` samples it), so that a busy hub refuses some requests at once
 * rather than answering all of them after their clients have given up. `onShed` counts them.
 */
export async function registerLoadShedding(
  app: FastifyInstance,
  options: LoadSheddingOptions,
  onShed: (signal: string) => void = () => undefined,
): Promise<void> {
  if (options.maxEventLoopDelayMs === 0 && options.maxEventLoopUtilization === 0) return;
  await app.register(underPressure, {
    maxEventLoopDelay: options.maxEventLoopDelayMs,
    maxEventLoopUtilization: options.maxEventLoopUtilization,
    // Over the last sample, as the setting says; the plugin's default averages since start-up.
    eventLoopUtilizationMode: 'interval',
    sampleInterval: options.sampleIntervalMs,
    retryAfter: options.retryAfterSeconds,
    pressureHandler: shedUnlessExempt(options.retryAfterSeconds, onShed),
  });
}
