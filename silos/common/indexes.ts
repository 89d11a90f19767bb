/**
 * The look-up structures every silo builds once at start-up, so batch reads and searches cost
 * one Map access per key instead of a scan of all records.
 */

/** The last ten digits of a phone number in any format, or null if it has fewer than ten. */
export function phoneKey(raw: string | null | undefined): string | null {
  if (!raw) return null;
  const digits = raw.replace(/\D/g, '');
  return digits.length >= 10 ? digits.slice(-10) : null;
}

/** An e-mail address as the silos compare it: trimmed, lower case; null if empty. */
export function emailKey(raw: string | null | undefined): string | null {
  const key = raw?.trim().toLowerCase();
  return key ? key : null;
}

/** Groups records under every key `keysOf` gives (nulls skipped, a record once per key). */
export function indexBy<T>(records: readonly T[], keysOf: (record: T) => readonly (string | null)[]): Map<string, T[]> {
  const index = new Map<string, T[]>();
  for (const record of records) {
    for (const key of new Set(keysOf(record))) {
      if (key === null) continue;
      const bucket = index.get(key);
      if (bucket) bucket.push(record);
      else index.set(key, [record]);
    }
  }
  return index;
}

/** Records with one unique key each, by key. Throws on a duplicate: the silo's data is broken. */
export function uniqueIndex<T>(records: readonly T[], keyOf: (record: T) => string): Map<string, T> {
  const index = new Map<string, T>();
  for (const record of records) {
    const key = keyOf(record);
    if (index.has(key)) throw new TypeError(`Expected unique keys, but "${key}" occurs twice.`);
    index.set(key, record);
  }
  return index;
}

/**
 * Looks `keys` up in `index` (after `normalise`), each distinct key once, in request order:
 * what a batch read answers, plus the keys it did not find.
 */
export function lookUpMany<T>(
  index: ReadonlyMap<string, T>,
  keys: readonly string[],
  normalise: (key: string) => string | null = (key) => key,
): { found: T[]; missing: string[] } {
  const found: T[] = [];
  const missing: string[] = [];
  const seen = new Set<string>();
  for (const key of keys) {
    const normal = normalise(key);
    const record = normal === null ? undefined : index.get(normal);
    const id = normal ?? key;
    if (seen.has(id)) continue;
    seen.add(id);
    if (record === undefined) missing.push(key);
    else found.push(record);
  }
  return { found, missing };
}
