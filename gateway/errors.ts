import type { GraphQLFormattedError } from 'graphql';
import { ApolloServerErrorCode, unwrapResolverError } from '@apollo/server/errors';
import { ErrorCode, truncateMessage } from '../schema/errors';
import { limitMessage } from './plugins/query-limits';

/** Something to tell about errors the client will not see in full. */
export interface ErrorLogger {
  error(message: string, error: unknown): void;
}

/** How the formatter words the budgets' errors. */
export interface ErrorFormatterOptions {
  /** Say the limits' numbers (default: outside `NODE_ENV=production`). */
  exposeLimits?: boolean;
  /** The token limit given to the parser, to word its error (default 1,000). */
  maxTokens?: number;
}

const PUBLIC_CODES = new Set<string>([...Object.values(ErrorCode), ...Object.values(ApolloServerErrorCode)]);
/** graphql-js's own sentence (with its typo) when the parser stops at `maxTokens`. */
const TOO_MANY_TOKENS = /^Syntax Error: Document contains more th(?:an|at) \d+ tokens/;

/** A budget's error in its public shape: Apollo relabels validation errors, so the code is put back. */
function asLimitError(formatted: GraphQLFormattedError, options: Required<ErrorFormatterOptions>) {
  const { extensions } = formatted;
  if (typeof extensions?.limit === 'string')
    return { ...formatted, extensions: { ...extensions, code: ErrorCode.QUERY_TOO_COMPLEX } };
  if (extensions?.code === ApolloServerErrorCode.GRAPHQL_PARSE_FAILED && TOO_MANY_TOKENS.test(formatted.message))
    return {
      message: limitMessage('tokens', options.exposeLimits, options.maxTokens),
      extensions: { code: ErrorCode.QUERY_TOO_COMPLEX, limit: 'tokens' },
    };
  return null;
}

/**
 * Apollo's `formatError`: errors with a public code (the hub's, or Apollo's own for parse and
 * validation failures) reach the client as they are, their message cut to a bounded length (so
 * no message echoes unbounded input); anything else is a bug in the hub, so the client gets
 * INTERNAL_SERVER_ERROR and the details go to the log.
 */
export function createErrorFormatter(
  logger: ErrorLogger,
  options: ErrorFormatterOptions = {},
): (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError {
  const settings = {
    exposeLimits: options.exposeLimits ?? process.env.NODE_ENV !== 'production',
    maxTokens: options.maxTokens ?? 1_000,
  };
  return (formatted, error) => {
    const limited = asLimitError(formatted, settings);
    if (limited) return limited;
    const code = formatted.extensions?.code;
    if (typeof code === 'string' && PUBLIC_CODES.has(code) && code !== ErrorCode.INTERNAL_SERVER_ERROR)
      return { ...formatted, message: truncateMessage(formatted.message) };
    logger.error(`Unexpected error at ${formatted.path?.join('.') ?? '(request)'}`, unwrapResolverError(error));
    return {
      message: 'Internal error in the hub',
      locations: formatted.locations,
      path: formatted.path,
      extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
    };
  };
}
