import DataLoader from 'dataloader';

/** How to fetch one batch of keys from a system. */
export interface BatchLoaderOptions<V> {
  /** Fetches the records for `keys` in one upstream request; absent keys are simply missing. */
  fetch(keys: readonly string[]): Promise<ReadonlyMap<string, V>>;
  /** The most keys per upstream request (the system's batch limit). */
  maxBatchSize: number;
  /** Maps a key to the form the system compares it in (e-mails: lower case). Default: as is. */
  normalizeKey?: (key: string) => string;
}

/**
 * A per-request DataLoader over one batch endpoint: every `load` in one tick becomes one
 * upstream request. It answers one result per key, in key order: the record, `null` for an
 * unknown key, or the upstream error in each slot of a batch whose request failed, so one
 * failed system never rejects loads for the others.
 */
export function createBatchLoader<V>(options: BatchLoaderOptions<V>): DataLoader<string, V | null> {
  const normalize = options.normalizeKey ?? ((key: string) => key);
  return new DataLoader<string, V | null>(
    async (keys) => {
      try {
        const found = await options.fetch(keys);
        return keys.map((key) => found.get(normalize(key)) ?? null);
      } catch (error) {
        const failure = error instanceof Error ? error : new Error(String(error));
        return keys.map(() => failure);
      }
    },
    { maxBatchSize: options.maxBatchSize, cacheKeyFn: normalize },
  );
}
