import type { ApolloServerPlugin } from '@apollo/server';
import type { RequestContext } from '../runtime';
import { operationTimeout } from '../../schema/errors';

/** Options of `ApolloServerPluginDeadline`. */
export interface DeadlinePluginOptions {
  /** How long an operation may execute, from the start of execution (default 15,000 ms). */
  timeoutMs?: number;
  /** The clock (default `Date.now`); tests move it. */
  now?: () => number;
}

/**
 * Gives up on an operation that runs past its deadline: every field that starts resolving after
 * it fails with OPERATION_TIMEOUT instead of asking a system or the store, so a slow operation
 * stops creating work. The HTTP answer itself is bounded by the server (see `withDeadline`).
 */
export function ApolloServerPluginDeadline(options: DeadlinePluginOptions = {}): ApolloServerPlugin<RequestContext> {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const now = options.now ?? Date.now;
  return {
    async requestDidStart() {
      return {
        async executionDidStart() {
          const deadline = now() + timeoutMs;
          return {
            willResolveField() {
              if (now() > deadline) throw operationTimeout(timeoutMs);
            },
          };
        },
      };
    },
  };
}

/**
 * `work`, or OPERATION_TIMEOUT's answer after `timeoutMs` if it has not settled: the client is
 * answered on time even when a resolver hangs. Resolves with which one came first.
 */
export async function withDeadline<T>(
  work: Promise<T>,
  timeoutMs: number,
): Promise<{ done: true; value: T } | { done: false }> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<{ done: false }>((resolve) => {
    timer = setTimeout(() => resolve({ done: false }), timeoutMs);
  });
  try {
    return await Promise.race([work.then((value) => ({ done: true as const, value })), expired]);
  } finally {
    clearTimeout(timer);
  }
}
