// The caches the hub keeps in its own heap, against the heap it runs in. Each is bounded, but
// the bounds are set one by one (a connector's memory layer, the response cache, the identity
// look-ups) and nothing else adds them up: with a few connectors and generous bounds, their sum
// can be most of the heap, and the hub then runs out of memory under load, not at start. Not
// counted: the embedded store when it runs in the hub's process (`mongodb.embeddedIn: thread`
// or `inline`), whose data has no bound but the data itself.
import { getHeapStatistics } from 'node:v8';
import { enabledConnectorNames, type SwitchboardConfig } from '../config';

/** One in-heap cache and the most the configuration lets it take, in bytes as it counts them. */
export interface CacheBudget {
  /** The setting that bounds it, as an operator would change it. */
  setting: string;
  bytes: number;
}

/**
 * Apollo Server's cache of parsed and validated documents: its default (an LRU of 30 MiB, as it
 * counts them), which the hub does not change.
 */
const DOCUMENT_CACHE: CacheBudget = { setting: "Apollo Server's document cache (its default)", bytes: 30 * 1_048_576 };

/** The caches the configuration turns on, with their bounds (only Apollo's with `cache.enabled` false). */
export function cacheBudgets(config: SwitchboardConfig): CacheBudget[] {
  const { cache, identity } = config;
  if (!cache.enabled) return [DOCUMENT_CACHE];
  const budgets: CacheBudget[] = [DOCUMENT_CACHE];
  const connectors = enabledConnectorNames(config).length;
  if (cache.memoryEntries > 0 && cache.memoryBytes > 0 && connectors > 0)
    budgets.push({ setting: `cache.memoryBytes x ${connectors} connectors`, bytes: cache.memoryBytes * connectors });
  if (cache.responses.maxEntries > 0)
    budgets.push({ setting: 'cache.responses.maxBytes', bytes: cache.responses.maxBytes });
  if (identity.memoryEntries > 0 && identity.memoryBytes > 0)
    budgets.push({ setting: 'identity.memoryBytes', bytes: identity.memoryBytes });
  return budgets;
}

/**
 * Share of the heap limit the caches' bounds may add up to before start-up warns. The bounds
 * count JSON size, and decoded records take more than that; requests, an identity sync and the
 * code need the rest.
 */
const CACHE_SHARE_OF_HEAP = 0.5;

const mb = (bytes: number): number => Math.round(bytes / 1_048_576);

/**
 * A warning for the start-up log when the caches' bounds add up to more than
 * `CACHE_SHARE_OF_HEAP` of the heap limit; null when they fit.
 */
export function cacheBudgetWarning(
  config: SwitchboardConfig,
  heapLimitBytes = getHeapStatistics().heap_size_limit,
): string | null {
  const budgets = cacheBudgets(config);
  const total = budgets.reduce((sum, budget) => sum + budget.bytes, 0);
  if (total <= heapLimitBytes * CACHE_SHARE_OF_HEAP) return null;
  const parts = budgets.map((budget) => `${budget.setting}: ${mb(budget.bytes)} MB`).join(', ');
  return (
    `Memory: the in-heap caches may take ${mb(total)} MB as they count it (${parts}), more than ` +
    `${CACHE_SHARE_OF_HEAP * 100}% of the ${mb(heapLimitBytes)} MB heap limit; decoded records take more than the ` +
    'JSON size they are counted in, and requests and identity syncs need the rest, so the hub may run out of ' +
    'memory under load. Lower those settings, or start node with a larger --max-old-space-size.'
  );
}
