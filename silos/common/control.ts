import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance } from 'fastify';
import type { SiloName } from '../generator/types';
import type { SiloOptions } from './app';
import { errorBody, errorSchema } from './errors';

/** Chaos settings in force: latency added to, share failed of, and whether to hold every API request. */
export interface ChaosSettings {
  latencyMs: number;
  failRate: number;
  /** Every API request waits, unanswered, until the settings are replaced without `hang` (or the silo closes). */
  hang: boolean;
}

const chaosSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    latencyMs: {
      type: 'number',
      minimum: 0,
      maximum: 600_000,
      description: 'Added to every API request, in ms (default 0).',
    },
    failRate: {
      type: 'number',
      minimum: 0,
      maximum: 1,
      description: 'Share of API requests answered 503, 0..1 (default 0).',
    },
    hang: {
      type: 'boolean',
      description:
        'Holds every API request unanswered until the chaos is set again without it (default false): ' +
        'a system that never answers, so a client meets only its own timeout.',
    },
  },
};

const chaosAnswer = {
  description: 'The settings now in force.',
  type: 'object',
  required: ['latencyMs', 'failRate', 'hang'],
  properties: { latencyMs: { type: 'number' }, failRate: { type: 'number' }, hang: { type: 'boolean' } },
};

/**
 * Adds what every silo serves besides its API: `/health`, `/openapi.json`, `/_stats`, `/_chaos`,
 * and the hook that counts, delays and (under chaos) fails API requests. Everything except the
 * two control routes is an API request: a silo "down" under chaos fails its health check too.
 */
export function registerControlRoutes(app: FastifyInstance, system: SiloName, options: SiloOptions): void {
  const baseLatency = options.latencyMs ?? 0;
  const jitter = options.jitterMs ?? 0;
  let requests = 0;
  let chaos: ChaosSettings = { latencyMs: 0, failRate: 0, hang: false };
  // Requests held by `hang`, released (and then answered as the new settings say) when it is lifted.
  const hung = new Set<() => void>();
  const releaseHung = () => {
    for (const release of hung) release();
    hung.clear();
  };
  // A held request must not keep the silo from closing.
  app.addHook('preClose', async () => releaseHung());

  app.addHook('onRequest', async (request, reply) => {
    if (request.routeOptions.config?.control) return;
    // Counted on arrival, so a client that reads /_stats right after an answer sees its request.
    requests += 1;
    if (chaos.hang) await new Promise<void>((resolve) => hung.add(resolve));
    const delay = baseLatency + (jitter > 0 ? Math.random() * jitter : 0) + chaos.latencyMs;
    if (delay > 0) {
      // Says what it waited, so tests and operators can see the delay without timing it.
      reply.header('x-silo-delay-ms', String(Math.round(delay)));
      await sleep(delay);
    }
    if (chaos.failRate > 0 && Math.random() < chaos.failRate) {
      return reply.code(503).send(errorBody('UNAVAILABLE', `The ${system} system is unavailable (chaos).`));
    }
    return undefined;
  });

  const control = { control: true };
  app.get(
    '/_stats',
    {
      config: control,
      schema: {
        tags: ['operations'],
        summary: 'Request count',
        description: 'Requests served since start, not counting /_stats and /_chaos themselves.',
        response: {
          200: { type: 'object', required: ['requests'], properties: { requests: { type: 'integer', minimum: 0 } } },
        },
      },
    },
    async () => ({ requests }),
  );

  app.post<{ Body: Partial<ChaosSettings> }>(
    '/_chaos',
    {
      config: control,
      schema: {
        tags: ['operations'],
        summary: 'Set chaos',
        description:
          'Replaces the chaos settings (a field left out is 0 or false, so `{}` resets, releasing held requests) ' +
          'and answers those now in force.',
        body: chaosSchema,
        response: { 200: chaosAnswer, 400: errorSchema('The settings are out of range or unknown.') },
      },
    },
    async (request) => {
      chaos = {
        latencyMs: request.body.latencyMs ?? 0,
        failRate: request.body.failRate ?? 0,
        hang: request.body.hang ?? false,
      };
      if (!chaos.hang) releaseHung();
      return chaos;
    },
  );

  app.get(
    '/health',
    {
      schema: {
        tags: ['operations'],
        summary: 'Health',
        description: 'Answers while the system is up.',
        response: {
          200: {
            type: 'object',
            required: ['status', 'system'],
            properties: { status: { type: 'string', enum: ['ok'] }, system: { type: 'string' } },
          },
          503: errorSchema('The system is unavailable (chaos testing).'),
        },
      },
    },
    async () => ({ status: 'ok', system }),
  );

  app.get(
    '/openapi.json',
    {
      schema: {
        tags: ['operations'],
        summary: 'OpenAPI document',
        description: 'This document: generated from the JSON schemas the routes validate with.',
        response: { 200: { description: 'An OpenAPI 3 document.', type: 'object', additionalProperties: true } },
      },
    },
    async () => app.swagger(),
  );
}
