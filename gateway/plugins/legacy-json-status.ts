import type { ApolloServerPlugin } from '@apollo/server';
import type { RequestContext } from '../runtime';

/** Options of `ApolloServerPluginLegacyJsonStatus`. */
export interface LegacyJsonStatusPluginOptions {
  /** The statuses turned into 200 for an `application/json` client (default `[400]`: request errors). */
  statuses?: readonly number[];
}

/** The quality the `accept` header gives `type` (`*\/*` and `application/*` count), 0 when it does not accept it. */
function quality(accept: string, type: string): number {
  let best = 0;
  for (const part of accept.split(',')) {
    const [range = '', ...params] = part.trim().toLowerCase().split(';');
    const main = type.split('/')[0];
    if (range !== type && range !== `${main}/*` && range !== '*/*') continue;
    const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)).find(Boolean);
    const value = q ? Number(q[1]) : 1;
    // An exact match outranks a wildcard of the same quality.
    best = Math.max(best, range === type ? value + 0.0001 : value);
  }
  return best;
}

/**
 * True when the response goes out as `application/json` rather than
 * `application/graphql-response+json`: no `accept`, or one that prefers plain JSON.
 */
export function prefersLegacyJson(accept: string | undefined): boolean {
  if (!accept) return true;
  return quality(accept, 'application/json') >= quality(accept, 'application/graphql-response+json');
}

/**
 * GraphQL over HTTP: a client that accepts only `application/json` cannot tell a GraphQL error
 * body from a proxy's 400, so the spec says to answer its parse, validation and variable errors
 * with 200 and the errors in the body. Clients of `application/graphql-response+json` keep the
 * 4xx statuses. Malformed requests (`BAD_REQUEST`) and other statuses (405 for a GET mutation,
 * 429, 504) are left alone.
 */
export function ApolloServerPluginLegacyJsonStatus(
  options: LegacyJsonStatusPluginOptions = {},
): ApolloServerPlugin<RequestContext> {
  const statuses = new Set(options.statuses ?? [400]);
  return {
    async requestDidStart({ request }) {
      const legacy = prefersLegacyJson(request.http?.headers.get('accept'));
      return {
        async willSendResponse({ response }) {
          if (!legacy || response.http.status === undefined || !statuses.has(response.http.status)) return;
          // A request that is not well-formed (no query, a number for a query...) is not a GraphQL
          // request error: the spec lets it keep its 400.
          const errors = response.body.kind === 'single' ? (response.body.singleResult.errors ?? []) : [];
          if (errors.some((error) => error.extensions?.code === 'BAD_REQUEST')) return;
          response.http.status = 200;
        },
      };
    },
  };
}
