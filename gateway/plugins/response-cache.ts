import { createHash } from 'node:crypto';
import { HeaderMap, type ApolloServerPlugin, type GraphQLRequest } from '@apollo/server';
import { OperationTypeNode, type FormattedExecutionResult } from 'graphql';
import { LRUCache } from 'lru-cache';
import type { RequestContext } from '../../connectors/kit';

/** Options of `ApolloServerPluginResponseCache`. */
export interface ResponseCacheOptions {
  /** Most responses kept (LRU). Default 1,000; 0 turns the cache off. */
  maxEntries?: number;
  /**
   * Longest a response is kept, seconds, whatever its data's freshness (it also bounds responses
   * with no department data, such as identity look-ups). Default 30.
   */
  maxAgeSeconds?: number;
  /** The clock freshness is judged by. Default the wall clock. */
  now?: () => Date;
}

/** The response cache's handle: the hub clears it whenever data may have changed. */
export interface ResponseCache {
  plugin: ApolloServerPlugin<RequestContext>;
  /** Forgets every response (after a change notice, a refresh, a sync). */
  clear(): void;
  /** Responses served from the cache since start. */
  readonly hits: number;
}

interface Entry {
  result: FormattedExecutionResult;
  expiresAt: number;
}

/**
 * The key of a request: the caller's roles, its document, operation name and variables. The
 * policy decides by roles alone, so callers with the same roles get the same answer, and no
 * caller is ever answered from a response made for other rights.
 */
function keyOf(request: GraphQLRequest, roles: ReadonlySet<string>): string {
  return createHash('sha256')
    .update([...roles].sort().join(','))
    .update('\u0000')
    .update(request.query ?? '')
    .update('\u0000')
    .update(request.operationName ?? '')
    .update('\u0000')
    .update(JSON.stringify(request.variables ?? {}))
    .digest('base64url');
}

/**
 * Serves a repeated query (the same screen pop again) from memory without executing it, for as
 * long as everything in it is still fresh: an entry expires at the earliest `freshUntil` of the
 * department records it holds (never later than `maxAgeSeconds`), so a cached response is never
 * older than the data's own TTL allows. Responses with errors or stale data, and mutations, are
 * never cached; the hub clears the cache on change notices, refreshes and syncs, and a request
 * that started before a clear never stores its answer. A request with `Cache-Control: no-cache`
 * is executed (and its answer kept). A hit is marked with the header `x-switchboard-cache: hit`.
 *
 * It returns a handle rather than a bare plugin because the hub must be able to clear it.
 */
export function ApolloServerPluginResponseCache(options: ResponseCacheOptions = {}): ResponseCache {
  const maxEntries = options.maxEntries ?? 1_000;
  const maxAgeMs = (options.maxAgeSeconds ?? 30) * 1000;
  const now = options.now ?? (() => new Date());
  const entries = maxEntries > 0 ? new LRUCache<string, Entry>({ max: maxEntries }) : null;
  let hits = 0;
  // Bumped by clear(): a request that started before a clear may hold data from before the change.
  let generation = 0;

  const plugin: ApolloServerPlugin<RequestContext> = {
    async requestDidStart() {
      if (!entries) return;
      const startedIn = generation;
      let key: string | null = null;
      let served = false;
      return {
        async responseForOperation({ request, operation, contextValue }) {
          if (operation.operation !== OperationTypeNode.QUERY) return null;
          key = keyOf(request, contextValue.principal.roles);
          // `Cache-Control: no-cache` asks for a fresh execution (whose answer is then kept).
          if (/\bno-cache\b/i.test(request.http?.headers.get('cache-control') ?? '')) return null;
          const entry = entries.get(key);
          if (!entry || entry.expiresAt <= now().getTime()) return null;
          served = true;
          hits += 1;
          const headers = new HeaderMap([['x-switchboard-cache', 'hit']]);
          return { http: { headers }, body: { kind: 'single', singleResult: { ...entry.result } } };
        },
        async willSendResponse({ response, contextValue, errors }) {
          if (served || key === null || startedIn !== generation || response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          if ((errors && errors.length > 0) || (result.errors && result.errors.length > 0)) return;
          const log = contextValue.freshness;
          if (log.stale.length > 0) return;
          const at = now().getTime();
          const expiresAt = Math.min(at + maxAgeMs, log.freshUntil?.getTime() ?? Infinity);
          if (expiresAt > at)
            entries.set(key, { result: { data: result.data, extensions: result.extensions }, expiresAt });
        },
      };
    },
  };
  return {
    plugin,
    clear: () => {
      generation += 1;
      entries?.clear();
    },
    get hits() {
      return hits;
    },
  };
}
