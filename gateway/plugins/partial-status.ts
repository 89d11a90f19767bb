import type { ApolloServerPlugin } from '@apollo/server';

/** Options of `ApolloServerPluginPartialStatus`. */
export interface PartialStatusPluginOptions {
  /** The status a response that carries `data` gets, whatever its errors ask for (default 200). */
  statusWithData?: number;
}

/**
 * Keeps a partial answer a success at the HTTP level. The hub's errors carry
 * `extensions.http.status` (502 for a failed department, 504 for a slow one), which Apollo
 * applies to the whole response; one failing department would then turn a screen pop with three
 * good departments into a 5xx, which clients such as Apollo Client treat as a network failure
 * and throw the data away. So: a response with `data` (even `data` with null fields) is 200,
 * and only a request that produced no data at all (`data` absent or null) keeps the status its
 * errors ask for. The errors themselves, and their `extensions.code`, are untouched.
 */
export function ApolloServerPluginPartialStatus(options: PartialStatusPluginOptions = {}): ApolloServerPlugin {
  const statusWithData = options.statusWithData ?? 200;
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          const data =
            response.body.kind === 'single' ? response.body.singleResult.data : response.body.initialResult.data;
          if (data !== undefined && data !== null) response.http.status = statusWithData;
        },
      };
    },
  };
}
