import type { GraphQLFormattedError } from 'graphql';
import { ApolloServerErrorCode, unwrapResolverError } from '@apollo/server/errors';
import { ErrorCode } from '../schema/errors';

/** Something to tell about errors the client will not see in full. */
export interface ErrorLogger {
  error(message: string, error: unknown): void;
}

const PUBLIC_CODES = new Set<string>([...Object.values(ErrorCode), ...Object.values(ApolloServerErrorCode)]);

/**
 * Apollo's `formatError`: errors with a public code (the hub's, or Apollo's own for parse and
 * validation failures) reach the client as they are; anything else is a bug in the hub, so the
 * client gets INTERNAL_SERVER_ERROR and the details go to the log.
 */
export function createErrorFormatter(
  logger: ErrorLogger,
): (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError {
  return (formatted, error) => {
    const code = formatted.extensions?.code;
    if (typeof code === 'string' && PUBLIC_CODES.has(code) && code !== ErrorCode.INTERNAL_SERVER_ERROR)
      return formatted;
    logger.error(`Unexpected error at ${formatted.path?.join('.') ?? '(request)'}`, unwrapResolverError(error));
    return {
      message: 'Internal error in the hub',
      locations: formatted.locations,
      path: formatted.path,
      extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
    };
  };
}
