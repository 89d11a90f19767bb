/**
 * MongoDB's own error codes, so the driver raises the same `MongoServerError` (code, codeName)
 * against the embedded server as against a real one. Numbers come from MongoDB's
 * `error_codes.yml`; only the ones this server can produce are listed.
 */
export const ErrorCode = {
  InternalError: 1,
  BadValue: 2,
  FailedToParse: 9,
  TypeMismatch: 14,
  IllegalOperation: 20,
  NamespaceNotFound: 26,
  IndexNotFound: 27,
  CursorNotFound: 43,
  NamespaceExists: 48,
  InvalidIdField: 53,
  CommandNotFound: 59,
  ImmutableField: 66,
  CannotCreateIndex: 67,
  InvalidOptions: 72,
  InvalidNamespace: 73,
  IndexOptionsConflict: 85,
  IndexKeySpecsConflict: 86,
  CannotIndexParallelArrays: 171,
  NotImplemented: 238,
  BSONObjectTooLarge: 10334,
  DuplicateKey: 11000,
} as const;

/** A code name as MongoDB spells it (`codeName` in replies). */
export type ErrorCodeName = keyof typeof ErrorCode;

/**
 * A command failure answered as `{ ok: 0, errmsg, code, codeName }`. Thrown anywhere below a
 * command handler; the dispatcher (or a write batch) turns it into the reply.
 */
export class CommandError extends Error {
  /** The numeric MongoDB error code. */
  readonly code: number;

  /**
   * @param codeName - MongoDB's name for the failure, e.g. `'DuplicateKey'`.
   * @param message - the `errmsg`, worded like MongoDB's where the driver or users match on it.
   * @param details - extra reply fields (e.g. `keyPattern`, `keyValue` for duplicate keys).
   */
  constructor(
    readonly codeName: ErrorCodeName,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'CommandError';
    this.code = ErrorCode[codeName];
  }
}

/** Wraps an error thrown by mingo (bad operator, bad expression) as MongoDB's `BadValue`. */
export function badValue(err: unknown): CommandError {
  if (err instanceof CommandError) return err;
  return new CommandError('BadValue', err instanceof Error ? err.message : String(err));
}
