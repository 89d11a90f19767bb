import type { ApolloServerPlugin, GraphQLRequestContext } from '@apollo/server';
import type { GraphQLSchema } from 'graphql';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import ApolloResponseCache from '@apollo/server-plugin-response-cache';
import type { KeyValueCache, KeyValueCacheSetOptions } from '@apollo/utils.keyvaluecache';
import { LRUCache } from 'lru-cache';
import type { RequestContext } from '../runtime';

/** Options of `ApolloServerPluginResponseCache`. */
export interface ResponseCacheOptions {
  /** Most responses kept (LRU). Default 1,000; 0 turns the cache off. */
  maxEntries?: number;
  /** What the kept responses may take, approximately, in bytes (UTF-16 size of their JSON). Default 16 MiB. */
  maxBytes?: number;
  /**
   * Longest a response is kept, seconds, whatever its data's freshness (it also bounds responses
   * with no department data, such as identity look-ups). Default 30.
   */
  maxAgeSeconds?: number;
  /** The clock freshness and expiry are judged by. Default the wall clock. */
  now?: () => Date;
  /**
   * Whether a request's schema is the one served now. An answer computed on a graph a reload has
   * replaced is not kept, even when the reload's clear came before the request began. Default: yes.
   */
  isServing?: (schema: GraphQLSchema) => boolean;
}

/** The response cache's handle: the hub clears it whenever data may have changed. */
export interface ResponseCache {
  /** Apollo's response cache and what feeds it; install them in this order. */
  plugins: ApolloServerPlugin<RequestContext>[];
  /** Forgets every response (after a change notice, a refresh, a sync). */
  clear(): void;
  /** Responses served from the cache since start. */
  readonly hits: number;
}

/** Header that marks an answer replayed from the cache. */
export const CACHE_HIT_HEADER = 'x-switchboard-cache';

/**
 * Apollo's key-value cache over an LRU bounded in entries and bytes, whose expiry is judged by
 * the hub's clock (the one freshness is judged by), and which can be emptied at once.
 */
class ClockedLruCache implements KeyValueCache<string> {
  private readonly entries: LRUCache<string, { value: string; expiresAt: number }>;

  constructor(
    maxEntries: number,
    maxBytes: number,
    private readonly now: () => Date,
  ) {
    this.entries = new LRUCache({ max: maxEntries, maxSize: maxBytes, sizeCalculation: (e) => e.value.length * 2 });
  }

  async get(key: string): Promise<string | undefined> {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt > this.now().getTime()) return entry.value;
    this.entries.delete(key);
    return undefined;
  }

  async set(key: string, value: string, options?: KeyValueCacheSetOptions): Promise<void> {
    const ttlSeconds = options?.ttl ?? 0;
    // One bigger than the whole budget is not kept (lru-cache would refuse it anyway).
    if (ttlSeconds > 0 && value.length * 2 <= this.entries.maxSize)
      this.entries.set(key, { value, expiresAt: this.now().getTime() + ttlSeconds * 1000 });
  }

  async delete(key: string): Promise<boolean> {
    return this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }
}

/** Who an answer was computed for: the policy decides by roles alone, so callers with the same roles share answers. */
function sessionOf(context: RequestContext): string {
  return `roles:${[...context.principal.roles].sort().join(',')}`;
}

/**
 * Serves a repeated query (the same screen pop again) from memory without executing it, for as
 * long as everything in it is still fresh. It is `@apollo/server-plugin-response-cache`, fed by
 * a cache policy of the hub's own instead of `@cacheControl` hints: an answer may be kept until
 * the earliest `freshUntil` of the department records it holds (never longer than
 * `maxAgeSeconds`), so a cached response is never older than the data's own TTL allows.
 *
 * - Keyed on the document, operation, variables and the caller's roles (Apollo's `sessionId`,
 *   with the answer's scope `PRIVATE`), so no caller is answered from a response made for other
 *   rights.
 * - Answers with errors or stale data, and mutations, are never kept; the hub clears the cache on
 *   change notices, refreshes and syncs, and a request that started before a clear never stores
 *   its answer.
 * - A request with `Cache-Control: no-cache` is executed (and its answer kept).
 * - A page of an export (`RequestContext.bulk`) is neither answered from the cache nor kept.
 * - A hit is marked with `x-switchboard-cache: hit` (and Apollo's `age` header).
 *
 * Apollo's cache-control plugin is turned off: the policy here must never become a
 * `Cache-Control` header that lets a shared HTTP cache replay one role's answer to another.
 */
export function ApolloServerPluginResponseCache(options: ResponseCacheOptions = {}): ResponseCache {
  const maxEntries = options.maxEntries ?? 1_000;
  const maxAgeMs = (options.maxAgeSeconds ?? 30) * 1000;
  const now = options.now ?? (() => new Date());
  let hits = 0;
  if (maxEntries === 0) return { plugins: [ApolloServerPluginCacheControlDisabled()], clear: () => {}, hits: 0 };

  const cache = new ClockedLruCache(maxEntries, options.maxBytes ?? 16 * 1024 * 1024, now);
  // Bumped by clear(): a request that started before a clear may hold data from before the change.
  let generation = 0;
  const startedIn = new WeakMap<RequestContext, number>();

  const policyPlugin: ApolloServerPlugin<RequestContext> = {
    async requestDidStart(requestContext) {
      startedIn.set(requestContext.contextValue, generation);
      return {
        async executionDidStart() {
          return {
            async executionDidEnd() {
              // Once every department has answered, the log holds every record served.
              setFreshnessPolicy(requestContext, maxAgeMs, now);
            },
          };
        },
        async willSendResponse({ metrics, response }) {
          if (!metrics.responseCacheHit) return;
          hits += 1;
          response.http.headers.set(CACHE_HIT_HEADER, 'hit');
        },
      };
    },
  };

  const apollo = ApolloResponseCache<RequestContext>({
    cache,
    sessionId: async ({ contextValue }) => sessionOf(contextValue),
    // `Cache-Control: no-cache` asks for a fresh execution (whose answer is then kept).
    shouldReadFromCache: async ({ request, contextValue }) =>
      contextValue.bulk !== true && !/\bno-cache\b/i.test(request.http?.headers.get('cache-control') ?? ''),
    shouldWriteToCache: async ({ contextValue, schema }) =>
      contextValue.bulk !== true &&
      startedIn.get(contextValue) === generation &&
      contextValue.freshness.stale.length === 0 &&
      (options.isServing?.(schema) ?? true),
  });

  return {
    plugins: [ApolloServerPluginCacheControlDisabled(), policyPlugin, apollo],
    clear: () => {
      generation += 1;
      cache.clear();
    },
    get hits() {
      return hits;
    },
  };
}

/**
 * The answer's cache policy from what it served: private to the caller's roles, kept until the
 * earliest `freshUntil` of its records (whole seconds, rounded down, so never past it), at most
 * `maxAgeMs`; not kept at all when it served stale data.
 */
function setFreshnessPolicy(requestContext: GraphQLRequestContext<RequestContext>, maxAgeMs: number, now: () => Date) {
  const log = requestContext.contextValue.freshness;
  const at = now().getTime();
  const until = Math.min(at + maxAgeMs, log.freshUntil?.getTime() ?? Infinity);
  const maxAge = log.stale.length > 0 ? 0 : Math.max(0, Math.floor((until - at) / 1000));
  requestContext.overallCachePolicy.replace({ maxAge, scope: 'PRIVATE' });
}
