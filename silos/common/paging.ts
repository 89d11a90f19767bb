/** Directory paging helpers: the silos page differently on purpose, over the same sorted data. */

/** Records sorted by their key, with the keys alongside for binary search. */
export interface SortedRecords<T> {
  records: readonly T[];
  keys: readonly string[];
}

/** Sorts a copy of `records` by `keyOf` (code-unit order, the same on every machine). */
export function sortByKey<T>(records: readonly T[], keyOf: (record: T) => string): SortedRecords<T> {
  const sorted = [...records].sort((a, b) => {
    const x = keyOf(a);
    const y = keyOf(b);
    return x < y ? -1 : x > y ? 1 : 0;
  });
  return { records: sorted, keys: sorted.map(keyOf) };
}

// Cursors are opaque to clients (base64url), but carry the last key seen, so paging stays
// correct with no server-side state and a cursor never expires.
const CURSOR_PREFIX = 'after:';

/** The cursor that continues after `key`. */
export function encodeCursor(key: string): string {
  return Buffer.from(CURSOR_PREFIX + key, 'utf8').toString('base64url');
}

/** The key a cursor continues after, or null if this silo did not issue it. */
export function decodeCursor(cursor: string): string | null {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!text.startsWith(CURSOR_PREFIX) || encodeCursor(text.slice(CURSOR_PREFIX.length)) !== cursor) return null;
  return text.slice(CURSOR_PREFIX.length);
}

/** Index of the first key greater than `after` (binary search). */
function firstAfter(keys: readonly string[], after: string): number {
  let low = 0;
  let high = keys.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (keys[mid] <= after) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** Up to `limit` records after the key in `after` (from the start if undefined), and the next cursor. */
export function pageAfter<T>(
  sorted: SortedRecords<T>,
  after: string | undefined,
  limit: number,
): { items: T[]; next: string | null } {
  const start = after === undefined ? 0 : firstAfter(sorted.keys, after);
  const end = Math.min(start + limit, sorted.records.length);
  const items = sorted.records.slice(start, end);
  const next = end < sorted.records.length && end > start ? encodeCursor(sorted.keys[end - 1]) : null;
  return { items, next };
}
