// A row's cells, by the rule the hub's CSV follows (README, "Rows and columns"): a null on the
// path is an empty cell, a list of scalars one cell joined by "; ", an object or a list of
// objects one cell of JSON. No DOM here.

import type { Column } from './api';

/** The value at a column's path in a row; undefined where a null or a missing key cuts the path. */
export function valueAt(row: unknown, column: Column): unknown {
  let value: unknown = row;
  for (const key of column.path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value ?? undefined;
}

/** A cell's text as the table and the CSV show it (`json`: the column is a list of objects). */
export function cellText(value: unknown, json = false): string {
  if (value === null || value === undefined) return '';
  if (json) return JSON.stringify(value);
  if (Array.isArray(value)) {
    if (value.some((item) => item !== null && typeof item === 'object')) return JSON.stringify(value);
    return value.map((item) => (item === null || item === undefined ? '' : String(item))).join('; ');
  }
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/** A column whose every non-empty cell is a number (and which has at least one): what a chart can sum. */
export function isNumericColumn(rows: readonly unknown[], column: Column): boolean {
  let seen = false;
  for (const row of rows) {
    const value = valueAt(row, column);
    if (value === undefined) continue;
    if (typeof value !== 'number') return false;
    seen = true;
  }
  return seen;
}
