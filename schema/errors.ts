import { GraphQLError } from 'graphql';

/**
 * The stable error codes a client can see in `errors[].extensions.code`.
 * These strings are public API: add codes, never rename them.
 */
export const ErrorCode = {
  /** The query's arguments are malformed (a phone number that is not one, a negative `first`). */
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  /** A department system answered with an error, refused the connection or sent nonsense. */
  UPSTREAM_UNAVAILABLE: 'UPSTREAM_UNAVAILABLE',
  /** A department system did not answer within its configured timeout. */
  UPSTREAM_TIMEOUT: 'UPSTREAM_TIMEOUT',
  /** A filtered or ordered customer list was asked for, but no customer-360 snapshot run has finished yet. */
  SNAPSHOT_UNAVAILABLE: 'SNAPSHOT_UNAVAILABLE',
  /** The caller may not do this. */
  FORBIDDEN: 'FORBIDDEN',
  /** No credential, or one that is malformed, expired, revoked or not ours: nothing was executed. */
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  /** Something failed inside the hub itself; details are in the hub's log, not the response. */
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
} as const;

/** One of the public error codes. */
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** What every hub error carries in `extensions`, besides what GraphQL adds. */
export interface HubErrorExtensions {
  code: ErrorCode;
  /** The connector (department) the error came from, when it came from one. */
  connector?: string;
  /** The argument that was wrong, for `BAD_USER_INPUT`. */
  argument?: string;
  http: { status: number };
}

function hubError(message: string, extensions: HubErrorExtensions, originalError?: Error): GraphQLError {
  return new GraphQLError(message, { extensions: { ...extensions }, originalError });
}

/** A malformed argument: the message says what was expected and what was found. */
export function badUserInput(message: string, argument?: string): GraphQLError {
  return hubError(message, { code: ErrorCode.BAD_USER_INPUT, argument, http: { status: 400 } });
}

/** A department system failed (5xx, refused connection, unreadable answer). */
export function upstreamUnavailable(connector: string, detail: string, cause?: Error): GraphQLError {
  return hubError(
    `The ${connector} system is unavailable: ${detail}`,
    { code: ErrorCode.UPSTREAM_UNAVAILABLE, connector, http: { status: 502 } },
    cause,
  );
}

/** A department system did not answer in time. */
export function upstreamTimeout(connector: string, timeoutMs: number, cause?: Error): GraphQLError {
  return hubError(
    `The ${connector} system did not answer within ${timeoutMs} ms`,
    { code: ErrorCode.UPSTREAM_TIMEOUT, connector, http: { status: 504 } },
    cause,
  );
}

/** No snapshot to filter or order customers by yet: one must be built first. */
export function snapshotUnavailable(building?: { customersDone: number }): GraphQLError {
  const now = building
    ? `a run has written ${building.customersDone} customers and not finished: ask again once it has (a run a failure stopped resumes with \`npm run sync\`)`
    : 'run `npm run sync` (or set snapshot.intervalMinutes), then ask again';
  return hubError(
    `Customers can be filtered and ordered only from a customer-360 snapshot, and none has been built yet: ${now}. ` +
      'Without filter and orderBy, customers lists every customer.',
    { code: ErrorCode.SNAPSHOT_UNAVAILABLE, http: { status: 503 } },
  );
}

/** A failure inside the hub; the client sees only this sentence. */
export function internalError(message = 'Internal error in the hub'): GraphQLError {
  return hubError(message, { code: ErrorCode.INTERNAL_SERVER_ERROR, http: { status: 500 } });
}

/** True when `error` is a GraphQLError carrying one of the hub's public codes. */
export function hasHubCode(error: unknown): error is GraphQLError {
  if (!(error instanceof GraphQLError)) return false;
  const code = error.extensions?.code;
  return typeof code === 'string' && Object.values<string>(ErrorCode).includes(code);
}

/** The caller's roles do not allow this field or mutation; the field answers null. */
export function forbidden(message: string): GraphQLError {
  return hubError(message, { code: ErrorCode.FORBIDDEN, http: { status: 200 } });
}
