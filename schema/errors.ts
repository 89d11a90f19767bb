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
  /**
   * The hub's own store (the identity map, the snapshots) did not answer within
   * `mongodb.operationTimeoutMs`, or cannot be reached: nothing was read; try again shortly.
   */
  STORE_UNAVAILABLE: 'STORE_UNAVAILABLE',
  /** The caller may not do this. */
  FORBIDDEN: 'FORBIDDEN',
  /** No credential, or one that is malformed, expired, revoked or not ours: nothing was executed. */
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  /**
   * The request is over one of the hub's budgets (document size, tokens, depth, aliases, directives,
   * cost, `refreshCustomer` calls): refused before anything is asked of a system or the store.
   * `extensions.limit` names the budget.
   */
  QUERY_TOO_COMPLEX: 'QUERY_TOO_COMPLEX',
  /** The HTTP request body is larger than `limits.bodyBytes` (HTTP 413). */
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  /** Too many requests from this credential or address; `Retry-After` says when to try again (HTTP 429). */
  RATE_LIMITED: 'RATE_LIMITED',
  /**
   * The hub is saturated (`limits.shedding`) and refused the request before starting it (HTTP 503);
   * `Retry-After` and `extensions.retryAfterSeconds` say when to try again. Nothing was executed.
   */
  OVERLOADED: 'OVERLOADED',
  /** The operation ran longer than `limits.executionTimeoutMs`; the hub gave up on it. */
  OPERATION_TIMEOUT: 'OPERATION_TIMEOUT',
  /** The request named a registered document (`documentId` or a persisted-query hash) this hub does not have. */
  PERSISTED_QUERY_NOT_FOUND: 'PERSISTED_QUERY_NOT_FOUND',
  /** This hub runs only registered documents (`auth.trustedDocuments`), and the text sent is not one of them. */
  PERSISTED_QUERY_NOT_IN_LIST: 'PERSISTED_QUERY_NOT_IN_LIST',
  /** No saved query has this name, or it has no such version (HTTP 404 on `/queries/<name>`). */
  SAVED_QUERY_NOT_FOUND: 'SAVED_QUERY_NOT_FOUND',
  /**
   * A saved query's document does not run against the graph: refused at save (nothing stored), or
   * a saved one the graph has since changed under (`status: BROKEN`). `extensions.problems` lists
   * each GraphQL error with its `locations` in the document.
   */
  SAVED_QUERY_INVALID: 'SAVED_QUERY_INVALID',
  /** Another save of the same saved query landed at the same moment; nothing was stored, try again. */
  CONFLICT: 'CONFLICT',
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
  /** The budget that was exceeded, for `QUERY_TOO_COMPLEX`, e.g. `depth`. */
  limit?: QueryLimit;
  /** What is wrong with a saved query's document, for `SAVED_QUERY_INVALID`. */
  problems?: ReadonlyArray<{ message: string; locations: ReadonlyArray<{ line: number; column: number }> }>;
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

/** The hub's store did not answer in time or cannot be reached; what failed goes to the log, not here. */
export function storeUnavailable(cause?: Error): GraphQLError {
  return hubError(
    "The hub's customer store is not answering right now; nothing was read. Try again shortly.",
    { code: ErrorCode.STORE_UNAVAILABLE, http: { status: 503 } },
    cause,
  );
}

/** The names of the budgets a document is checked against, as `extensions.limit`. */
export type QueryLimit =
  | 'documentCharacters'
  | 'tokens'
  | 'depth'
  | 'aliases'
  | 'directives'
  | 'cost'
  | 'refreshesPerOperation'
  | 'reloadsPerOperation'
  | 'savedQueryRunsPerOperation';

/** A document over one of the budgets; the message says which, and the numbers only outside production. */
export function queryTooComplex(message: string, limit: QueryLimit): GraphQLError {
  return hubError(message, { code: ErrorCode.QUERY_TOO_COMPLEX, limit, http: { status: 400 } });
}

/** No saved query by this name (or no such version of it). */
export function savedQueryNotFound(message: string): GraphQLError {
  return hubError(message, { code: ErrorCode.SAVED_QUERY_NOT_FOUND, http: { status: 404 } });
}

/** A saved query's document that does not run against the graph, with each problem and where it is. */
export function savedQueryInvalid(
  message: string,
  problems: NonNullable<HubErrorExtensions['problems']>,
): GraphQLError {
  return hubError(message, { code: ErrorCode.SAVED_QUERY_INVALID, problems, http: { status: 400 } });
}

/** A concurrent change won; nothing of this one was stored. */
export function conflict(message: string): GraphQLError {
  return hubError(message, { code: ErrorCode.CONFLICT, http: { status: 409 } });
}

/** The operation ran past its execution deadline. */
export function operationTimeout(timeoutMs: number): GraphQLError {
  return hubError(`The operation did not finish within ${timeoutMs} ms and was abandoned`, {
    code: ErrorCode.OPERATION_TIMEOUT,
    http: { status: 504 },
  });
}

/** How much of a client's input an error message may quote. */
export const MAX_QUOTED_INPUT = 40;

/**
 * Quotes client input for an error message, cut to `max` characters so a message never echoes
 * unbounded input: `quoteInput('1'.repeat(100_000))` is `"1111…" (100000 characters)`.
 */
export function quoteInput(value: string, max = MAX_QUOTED_INPUT): string {
  if (value.length <= max) return JSON.stringify(value);
  return `${JSON.stringify(value.slice(0, max) + '…')} (${value.length} characters)`;
}

/** The longest message any error reaches a client with; longer ones (e.g. graphql-js echoing a variable) are cut. */
export const MAX_MESSAGE_LENGTH = 500;

/** Cuts a message to `MAX_MESSAGE_LENGTH` characters. */
export function truncateMessage(message: string, max = MAX_MESSAGE_LENGTH): string {
  return message.length <= max ? message : `${message.slice(0, max)}… (message cut at ${max} characters)`;
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
