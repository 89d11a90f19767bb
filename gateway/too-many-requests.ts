import type { FastifyReply } from 'fastify';
import { ErrorCode } from '../schema/errors';

/** A 429 with `Retry-After` and a GraphQL-shaped body (`RATE_LIMITED`), for every budget the hub keeps. */
export function tooManyRequests(reply: FastifyReply, retryAfterSeconds: number, message: string): FastifyReply {
  return reply
    .code(429)
    .header('retry-after', String(retryAfterSeconds))
    .type('application/json; charset=utf-8')
    .send({ errors: [{ message, extensions: { code: ErrorCode.RATE_LIMITED, retryAfterSeconds } }] });
}
