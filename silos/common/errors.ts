/** The error envelope every silo answers with, and the JSON schema that documents it. */

/** Stable codes in `{ error: { code } }`, one per kind of failure a client can act on. */
export type SiloErrorCode =
  'BAD_REQUEST' | 'NOT_FOUND' | 'PAYLOAD_TOO_LARGE' | 'UNSUPPORTED_MEDIA_TYPE' | 'UNAVAILABLE' | 'INTERNAL';

/** The body of every error answer. */
export interface ErrorBody {
  error: { code: SiloErrorCode; message: string };
}

/** Builds an error body. */
export function errorBody(code: SiloErrorCode, message: string): ErrorBody {
  return { error: { code, message } };
}

/** The code that goes with an HTTP status a silo answers. */
export function codeForStatus(status: number): SiloErrorCode {
  if (status === 404) return 'NOT_FOUND';
  if (status === 413) return 'PAYLOAD_TOO_LARGE';
  if (status === 415) return 'UNSUPPORTED_MEDIA_TYPE';
  if (status === 503) return 'UNAVAILABLE';
  return status < 500 ? 'BAD_REQUEST' : 'INTERNAL';
}

/** JSON schema of the error body, for route `response` maps. */
export function errorSchema(description: string): Record<string, unknown> {
  return {
    description,
    type: 'object',
    required: ['error'],
    properties: {
      error: {
        type: 'object',
        required: ['code', 'message'],
        properties: {
          code: {
            type: 'string',
            enum: [
              'BAD_REQUEST',
              'NOT_FOUND',
              'PAYLOAD_TOO_LARGE',
              'UNSUPPORTED_MEDIA_TYPE',
              'UNAVAILABLE',
              'INTERNAL',
            ],
          },
          message: { type: 'string', description: 'A sentence for people; do not parse it.' },
        },
      },
    },
  };
}

/** The error answers every API route can give: bad input, and chaos' injected outage. */
export function commonErrorResponses(): Record<number, Record<string, unknown>> {
  return {
    400: errorSchema('The request is malformed (the message names the field).'),
    503: errorSchema('The system is unavailable (chaos testing).'),
  };
}

/** An error a handler throws to answer `status` with the envelope (the app's error handler sends it). */
export class SiloHttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
    this.name = 'SiloHttpError';
  }
}
