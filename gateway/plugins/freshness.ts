import type { ApolloServerPlugin } from '@apollo/server';
import type { RequestContext } from '../runtime';

/** Options of `ApolloServerPluginFreshness`. */
export interface FreshnessPluginOptions {
  /** The key under `extensions` (default `"freshness"`). */
  extensionKey?: string;
}

/**
 * Says in the response's `extensions` when it used stale department data (a system was down
 * and the repository's last known copy was served), so a client can tell its user:
 *
 * ```json
 * "extensions": { "freshness": { "stale": [{ "connector": "sales", "records": 1, "oldestFetchedAt": "..." }] } }
 * ```
 * A response with only fresh data gets no such extension.
 */
export function ApolloServerPluginFreshness(options: FreshnessPluginOptions = {}): ApolloServerPlugin<RequestContext> {
  const key = options.extensionKey ?? 'freshness';
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue, response }) {
          const stale = contextValue.freshness.stale;
          if (stale.length === 0 || response.body.kind !== 'single') return;
          const byConnector = new Map<string, { connector: string; records: number; oldestFetchedAt: Date }>();
          for (const serve of stale) {
            const entry = byConnector.get(serve.connector);
            if (!entry)
              byConnector.set(serve.connector, {
                connector: serve.connector,
                records: 1,
                oldestFetchedAt: serve.fetchedAt,
              });
            else {
              entry.records += 1;
              if (serve.fetchedAt < entry.oldestFetchedAt) entry.oldestFetchedAt = serve.fetchedAt;
            }
          }
          const result = response.body.singleResult;
          result.extensions = {
            ...result.extensions,
            [key]: {
              stale: [...byConnector.values()].map((e) => ({ ...e, oldestFetchedAt: e.oldestFetchedAt.toISOString() })),
            },
          };
        },
      };
    },
  };
}
