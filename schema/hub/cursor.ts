import { createHash } from 'node:crypto';
import { badUserInput } from '../errors';

// Version 2 of the cursor format: every cursor names the list it belongs to. Version 1 cursors
// (`customer:<id>`, `snapshot:{...}`) carried only a position, so one list's cursor was taken by
// another list with the same order; they are refused now, like any cursor we did not issue.
const PREFIX = 'sb2:';

/** The list every customer is on, in hub-id order: `customers` without filter or order. */
export const PLAIN_LIST = 'all';

/** What a cursor holds: the list it came from, the position in it, and that list's order for messages. */
export interface CursorPayload {
  /** The list: `PLAIN_LIST`, or a digest of a filter and an order (`listKey`). */
  l: string;
  /** The order of that list, e.g. `ACCOUNTING_OVERDUE_AMOUNT DESC`; null in hub-id order. */
  o: string | null;
  /** The hub id of the last customer before the next page. */
  id: string;
  /** In an ordered list, that customer's value of the sort figure (a DateTime as ISO text, null when none). */
  v?: number | string | null;
}

/** Sorts object keys and `in` lists, so that the same filter always digests the same way. */
function canonical(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value))
    return value.map(canonical).sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([k, v]) => [k, canonical(v)]),
    );
  }
  return value;
}

/**
 * The key of a filtered or ordered list: a digest of its conditions and its order. Two requests
 * with the same filter and order share a key, so paging works across requests; any other filter
 * or order gets another key, so a cursor never silently continues a different list.
 */
export function listKey(conditions: unknown, order: string | null): string {
  const digest = createHash('sha256')
    .update(JSON.stringify(canonical({ conditions, order })))
    .digest('base64url');
  return digest.slice(0, 16);
}

/** An opaque cursor for a position in one list. */
export function encodeCursor(payload: CursorPayload): string {
  return Buffer.from(PREFIX + JSON.stringify(payload), 'utf8').toString('base64url');
}

function parse(cursor: string): CursorPayload | null {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!text.startsWith(PREFIX)) return null;
  try {
    const parsed: unknown = JSON.parse(text.slice(PREFIX.length));
    if (typeof parsed !== 'object' || parsed === null) return null;
    const { l, o, id, v } = parsed as Record<string, unknown>;
    if (typeof l !== 'string' || typeof id !== 'string' || id === '') return null;
    if (o !== null && typeof o !== 'string') return null;
    if (v !== undefined && v !== null && typeof v !== 'number' && typeof v !== 'string') return null;
    return { l, o, id, ...(v === undefined ? {} : { v }) };
  } catch {
    return null;
  }
}

// A cursor is echoed in messages; a forged one could be megabytes.
const shown = (cursor: string): string => (cursor.length > 60 ? `${cursor.slice(0, 57)}...` : cursor);

/**
 * The position in a cursor, checked to belong to `list`: BAD_USER_INPUT on `argument` for a
 * cursor we did not issue, and for one of another list (another filter, another order).
 */
export function decodeCursor(cursor: string, list: string, argument = 'after'): CursorPayload {
  const payload = parse(cursor);
  if (payload === null) {
    throw badUserInput(`Argument "${argument}" is not a cursor this API returned: "${shown(cursor)}"`, argument);
  }
  if (payload.l !== list) {
    throw badUserInput(
      `Argument "${argument}" is a cursor of another list (${payload.o === null ? 'in hub-id order' : `ordered by ${shown(payload.o)}`}` +
        `${payload.l === PLAIN_LIST ? ', without a filter' : ', with its own filter'}): ` +
        'a cursor only fits the list it came from; ask for the first page of this list again',
      argument,
    );
  }
  return payload;
}
