/**
 * Reading documents out of SQLite: a natural-order scan, an `_id` index scan or a secondary
 * index scan over key intervals, in either direction. Scans are generators that fetch pages
 * (never holding a statement open between yields, so callers may write while iterating and
 * cursors may pause between getMores) and resume from the last key seen.
 */
import type { CollectionInfo } from './catalog';
import type { IndexInfo } from './indexes';
import type { KeyInterval } from './keys';
import type { DocRow, KeyedDocRow, Statements } from './sqlite';
import { type Doc, deserializeDoc } from './values';

/** Where a scan reads from. Intervals are in ascending key order; `direction` picks the walk. */
export type ScanSource =
  | { kind: 'collscan'; direction: 1 | -1 }
  | { kind: 'id'; intervals: KeyInterval[]; direction: 1 | -1 }
  | { kind: 'index'; index: IndexInfo; intervals: KeyInterval[]; direction: 1 | -1 };

/** Work counters, reported by `explain` like MongoDB's executionStats. */
export interface ScanStats {
  keysExamined: number;
  docsExamined: number;
}

/** A document as stored: its record id, its BSON bytes and the parsed document. */
export interface StoredDoc {
  seq: number;
  blob: Buffer;
  doc: Doc;
}

const LOWEST = Buffer.alloc(0);
/** Greater than every key: keys start with a type tag (<= 0xF0) or an inverted one (<= 0xFE). */
const HIGHEST = Buffer.from([0xff]);
const MAX_PAGE = 4096;

/** Parses a row into a stored document. */
export function toStored(row: DocRow): StoredDoc {
  return { seq: row.seq, blob: row.doc, doc: deserializeDoc(row.doc) };
}

/**
 * Streams the documents of a source. `firstPage` is how many rows the caller expects to need
 * (skip + limit, or a batch): the first page fetches exactly that, so a limited query reads no
 * more documents than it returns; later pages double.
 */
export function* scan(
  sql: Statements,
  coll: CollectionInfo,
  source: ScanSource,
  stats: ScanStats,
  firstPage: number,
): Generator<StoredDoc> {
  const pager = { size: Math.max(1, Math.min(firstPage, MAX_PAGE)) };
  if (source.kind === 'collscan') {
    yield* scanNatural(sql, coll, source.direction, stats, pager);
    return;
  }
  const intervals = source.direction === 1 ? source.intervals : [...source.intervals].reverse();
  const seen = new Set<number>(); // a multikey document has several keys in one scan
  for (const interval of intervals) {
    const rows =
      source.kind === 'id'
        ? scanIdInterval(sql, coll, interval, source.direction, pager)
        : scanIndexInterval(sql, source.index, interval, source.direction, pager);
    for (const row of rows) {
      stats.keysExamined++;
      if (seen.has(row.seq)) continue;
      seen.add(row.seq);
      stats.docsExamined++;
      yield toStored(row);
    }
  }
}

interface Pager {
  size: number;
}

function grow(pager: Pager): void {
  pager.size = Math.min(pager.size * 2, MAX_PAGE);
}

function* scanNatural(
  sql: Statements,
  coll: CollectionInfo,
  direction: 1 | -1,
  stats: ScanStats,
  pager: Pager,
): Generator<StoredDoc> {
  let last = direction === 1 ? 0 : Number.MAX_SAFE_INTEGER;
  for (;;) {
    const stmt = direction === 1 ? sql.scanNaturalAsc : sql.scanNaturalDesc;
    const rows = stmt.all(coll.id, last, pager.size);
    for (const row of rows) {
      stats.docsExamined++;
      last = row.seq;
      yield toStored(row);
    }
    if (rows.length < pager.size) return;
    grow(pager);
  }
}

function* scanIdInterval(
  sql: Statements,
  coll: CollectionInfo,
  interval: KeyInterval,
  direction: 1 | -1,
  pager: Pager,
): Generator<KeyedDocRow> {
  if (interval.exactString && interval.lo) {
    // One id: a primary-key look-up, not a range walk (a batch of `$in` ids is many of these).
    const row = sql.docById.get(coll.id, interval.lo);
    if (row) yield { ...row, key: interval.lo };
    return;
  }
  const lo = interval.lo ?? LOWEST;
  let hi = interval.hi ?? HIGHEST;
  let after: Buffer | null = null;
  for (;;) {
    const rows: KeyedDocRow[] =
      direction === 1
        ? after === null
          ? sql.scanIdFromAsc.all(coll.id, lo, hi, pager.size)
          : sql.scanIdAfterAsc.all(coll.id, after, hi, pager.size)
        : sql.scanIdDesc.all(coll.id, hi, lo, pager.size);
    for (const row of rows) {
      if (direction === 1) after = row.key;
      else hi = row.key;
      yield row;
    }
    if (rows.length < pager.size) return;
    grow(pager);
  }
}

function* scanIndexInterval(
  sql: Statements,
  index: IndexInfo,
  interval: KeyInterval,
  direction: 1 | -1,
  pager: Pager,
): Generator<KeyedDocRow> {
  const lo = interval.lo ?? LOWEST;
  const hi = interval.hi ?? HIGHEST;
  // Resume point: (key, seq) strictly past the last row; -1 sorts before every real seq.
  let key = direction === 1 ? lo : hi;
  let seq = -1;
  for (;;) {
    const rows =
      direction === 1
        ? sql.scanIndexAsc.all(index.id, key, seq, hi, pager.size)
        : sql.scanIndexDesc.all(index.id, key, seq, lo, pager.size);
    for (const row of rows) {
      key = row.key;
      seq = row.seq;
      yield row;
    }
    if (rows.length < pager.size) return;
    grow(pager);
  }
}
