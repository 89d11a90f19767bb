// The V8 heap the hub runs in. Without a maximum, Node sizes the heap from the machine's memory
// (about 4 GB here), and V8's heap controller then lets the old generation grow to up to 4x its
// live data between full collections: a hub holding ~110 MB of live data (code, caches, the
// identity sync's pages) sat at 450 to 570 MB of RSS. The controller scales that growing factor
// from the maximum (1.3 at 256 MB, about 1.4 at 512 MB, 4 from 2 GB up), so a 512 MB maximum
// keeps RSS near 1.4x the live data with room to spare for a 100,000-customer identity sync.
import { getHeapStatistics } from 'node:v8';

/** Largest old generation, in MB: what `--max-old-space-size` gives the hub. */
export const HUB_OLD_SPACE_MB = 512;

/**
 * The young generation kept at V8's own default for large heaps (16 MB semi-spaces): with a
 * maximum set, V8 would shrink it to 1/128 of the old generation (4 MB), and more short-lived
 * objects of every request would be promoted and collected by the expensive full collections.
 */
export const HUB_SEMI_SPACE_MB = 16;

/**
 * The flags a hub process starts with: `npm start` and `npm run sync` pass them (checked by
 * test/gateway/heap-budget.test.ts), as do the benchmark's and the end-to-end tests' hub
 * processes. Node reads them before any code runs, so nothing can set them from inside: the
 * `switchboard` command itself starts with whatever node it is given (a plain `env node`
 * shebang works everywhere, BusyBox's `env` included), and an operator who runs node directly
 * gives them, or a larger maximum for a larger customer base (the start log says which applies).
 */
export const HUB_NODE_FLAGS: readonly string[] = [
  `--max-old-space-size=${HUB_OLD_SPACE_MB}`,
  `--max-semi-space-size=${HUB_SEMI_SPACE_MB}`,
];

/** The heap limit V8 reports for `HUB_NODE_FLAGS`: the old generation and three semi-spaces. */
export const HUB_HEAP_LIMIT_MB = HUB_OLD_SPACE_MB + 3 * HUB_SEMI_SPACE_MB;

/**
 * A line for the start-up log: the heap limit this process runs under and, when it is not the
 * hub's budget (node started without `HUB_NODE_FLAGS`, or with an operator's own), what that means.
 */
export function heapBudgetLine(heapLimitBytes = getHeapStatistics().heap_size_limit): string {
  const limitMb = Math.round(heapLimitBytes / 1_048_576);
  // V8 rounds to pages: a few MB either way is still the budget.
  if (Math.abs(limitMb - HUB_HEAP_LIMIT_MB) <= 8) return `Heap: ${limitMb} MB limit (the hub's budget)`;
  if (limitMb < HUB_HEAP_LIMIT_MB)
    return (
      `Heap: ${limitMb} MB limit, smaller than the hub's budget (${HUB_HEAP_LIMIT_MB} MB): an identity sync ` +
      `of a large customer base may run out of memory; start node with ${HUB_NODE_FLAGS.join(' ')} or more`
    );
  return (
    `Heap: ${limitMb} MB limit, larger than the hub's budget (${HUB_HEAP_LIMIT_MB} MB): V8 may let memory grow ` +
    `to several times the live data; start node with ${HUB_NODE_FLAGS.join(' ')} (as npm start does) to bound ` +
    `it, unless the larger limit is yours for a larger customer base`
  );
}
