import DataLoader from 'dataloader';
import type { CachedSource, Fetched } from './cached-source';

/**
 * A per-request DataLoader over a connector's cached source: every `load` in one tick becomes
 * one `source.load` (one repository read, at most one upstream request). It answers one result
 * per key, in key order: the record with its freshness, `null` for an unknown key, or the error
 * in each failed slot, so one failed system never rejects loads for the others.
 */
export function createSourceLoader<V>(
  source: CachedSource<V>,
  options: { maxBatchSize: number; normalizeKey?: (key: string) => string; bulk?: boolean },
): DataLoader<string, Fetched<V> | null> {
  return new DataLoader<string, Fetched<V> | null>(
    async (keys) => {
      try {
        return await source.load(keys, { bulk: options.bulk });
      } catch (error) {
        // A repository failure, not a per-key one: every slot gets it.
        const failure = error instanceof Error ? error : new Error(String(error));
        return keys.map(() => failure);
      }
    },
    { maxBatchSize: options.maxBatchSize, cacheKeyFn: options.normalizeKey },
  );
}
