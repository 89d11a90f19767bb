import swagger from '@fastify/swagger';
import fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import type { SiloName } from '../generator/types';
import { registerControlRoutes } from './control';
import { codeForStatus, errorBody } from './errors';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Marks the control routes (`/_stats`, `/_chaos`): not counted, never delayed or failed. */
    control?: boolean;
  }
}

/** Start-up options of one silo. */
export interface SiloOptions {
  /** Latency added to every API request, in ms (default 0): a real system's response time, for benchmarks. */
  latencyMs?: number;
  /** Up to this many ms more, drawn per request (default 0). */
  jitterMs?: number;
  /** Fastify's request logging (default off: the silos are background noise in tests and demos). */
  logger?: boolean;
}

/** What makes one silo: its name, how its OpenAPI document introduces it, and its API routes. */
export interface SiloDefinition {
  name: SiloName;
  title: string;
  description: string;
  /** The tag that groups the silo's own routes in its OpenAPI document. */
  tag: { name: string; description: string };
  /** Declares the API routes; every route carries a JSON schema (validation and docs). */
  routes(app: FastifyInstance): void;
}

/**
 * Builds a silo's fastify app (not listening yet): OpenAPI generation, the error envelope, the
 * health, stats and chaos routes, then the silo's own routes.
 */
export async function buildSiloServer(definition: SiloDefinition, options: SiloOptions = {}): Promise<FastifyInstance> {
  const app = fastify({
    logger: options.logger ?? false,
    // Unknown body fields are a 400 (a typo in `failRate` must not pass silently), not dropped.
    ajv: { customOptions: { removeAdditional: false } },
  });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: definition.title, description: definition.description, version: '1.0.0' },
      tags: [
        definition.tag,
        { name: 'operations', description: 'Health, documentation, request counts and chaos testing.' },
      ],
    },
  });
  app.setErrorHandler((error: FastifyError, _request, reply) => {
    const status = error.validation ? 400 : (error.statusCode ?? 500);
    if (status >= 500 && status !== 503) {
      app.log.error(error);
      return reply.code(500).send(errorBody('INTERNAL', 'The system failed to answer; try again.'));
    }
    return reply.code(status).send(errorBody(codeForStatus(status), error.message));
  });
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send(errorBody('NOT_FOUND', `There is no route ${request.method} ${request.url.split('?')[0]}.`)),
  );
  registerControlRoutes(app, definition.name, options);
  definition.routes(app);
  return app;
}
