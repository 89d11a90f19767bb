// What a chart shows: one numeric column summed, averaged or counted per value of another
// column. No DOM here, so the rule is tested on its own.

import type { Column } from './api';
import { cellText, valueAt } from './cells';

export type Aggregate = 'sum' | 'average' | 'count';
export type ChartKind = 'bar' | 'line';

export interface ChartSpec {
  kind: ChartKind;
  /** The numeric column measured (ignored when counting). */
  value: Column;
  /** The column whose values name the groups. */
  groupBy: Column;
  aggregate: Aggregate;
}

export interface ChartData {
  labels: string[];
  /** Per label; null for an average over a group with no value at all (no bar, not a bar of 0). */
  values: Array<number | null>;
  /** Groups left out beyond `MAX_GROUPS` (a bar chart keeps the largest). */
  omittedGroups: number;
  /** The group column holds date-times, grouped by their month (`2026-05`). */
  byMonth: boolean;
}

/** More bars than this are unreadable: a bar chart keeps the largest, a line chart the first by label. */
export const MAX_GROUPS = 50;

/** The label of rows whose group column is empty. */
export const EMPTY_GROUP = '(empty)';

const collator = new Intl.Collator('en', { numeric: true });

/**
 * Groups `rows` by `spec.groupBy`'s cell text (date-times by their month) and aggregates
 * `spec.value` in each group; a row
 * whose value is empty counts towards `count` but not towards a sum or an average. Bars are
 * ordered largest first; a line follows its labels in order (dates and numbers sort naturally).
 */
export function chartDataOf(rows: readonly unknown[], spec: ChartSpec): ChartData {
  const { byMonth, labelOf } = groupsOf(rows, spec.groupBy);
  const groups = new Map<string, { sum: number; measured: number; rows: number }>();
  for (const row of rows) {
    const label = labelOf(row);
    const group = groups.get(label) ?? { sum: 0, measured: 0, rows: 0 };
    group.rows += 1;
    const value = valueAt(row, spec.value);
    if (typeof value === 'number') {
      group.sum += value;
      group.measured += 1;
    }
    groups.set(label, group);
  }
  const points = [...groups].map(([label, group]) => ({
    label,
    value:
      spec.aggregate === 'count'
        ? group.rows
        : spec.aggregate === 'sum'
          ? group.sum
          : group.measured === 0
            ? null
            : group.sum / group.measured,
  }));
  const size = (value: number | null) => value ?? -Infinity;
  if (spec.kind === 'bar') points.sort((a, b) => size(b.value) - size(a.value) || collator.compare(a.label, b.label));
  else points.sort((a, b) => collator.compare(a.label, b.label));
  const kept = points.slice(0, MAX_GROUPS);
  return {
    labels: kept.map((point) => point.label),
    values: kept.map((point) => (point.value === null ? null : roundForDisplay(point.value))),
    omittedGroups: points.length - kept.length,
    byMonth,
  };
}

/** ISO date-times (`2026-05-31T08:00:00.000Z`): every row's is its own group unless grouped by month. */
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T/;

/** How rows are grouped by `column`: by its cell text, or by month when it holds date-times. */
function groupsOf(rows: readonly unknown[], column: Column): { byMonth: boolean; labelOf: (row: unknown) => string } {
  const byMonth = isDateTimeColumn(rows, column);
  return {
    byMonth,
    labelOf: (row) => {
      const text = cellText(valueAt(row, column));
      return (byMonth ? text.slice(0, 7) : text) || EMPTY_GROUP;
    },
  };
}

function isDateTimeColumn(rows: readonly unknown[], column: Column): boolean {
  let seen = false;
  for (const row of rows) {
    const value = valueAt(row, column);
    if (value === undefined) continue;
    if (typeof value !== 'string' || !DATE_TIME.test(value)) return false;
    seen = true;
  }
  return seen;
}

/** Sums of money in floating point drift (0.1 + 0.2): the chart shows cents, not the drift. */
function roundForDisplay(value: number): number {
  return Math.round(value * 100) / 100;
}

/**
 * The column a chart groups by at first: the one (not measured) with the fewest distinct groups,
 * two at least, so the first picture says something (not one bar per customer id).
 */
export function defaultGroupColumn(rows: readonly unknown[], candidates: readonly Column[]): Column | undefined {
  let best: { column: Column; groups: number } | undefined;
  for (const column of candidates) {
    const { labelOf } = groupsOf(rows, column);
    const groups = new Set(rows.map(labelOf)).size;
    if (groups >= 2 && (!best || groups < best.groups)) best = { column, groups };
  }
  return best?.column ?? candidates[0];
}

/**
 * The currencies a summed amount is in, when the rows give more than one: the `currency` column
 * beside it (`sales.currency` for `sales.lifetimeValue`). Summing them mixes units; the chart says so.
 */
export function mixedCurrencies(rows: readonly unknown[], columns: readonly Column[], value: Column): string[] {
  const parent = value.path.slice(0, -1).join('.');
  const currency = columns.find(
    (column) => column.path[column.path.length - 1] === 'currency' && column.path.slice(0, -1).join('.') === parent,
  );
  if (!currency || currency === value) return [];
  const found = new Set<string>();
  for (const row of rows) {
    const text = cellText(valueAt(row, currency));
    if (text) found.add(text);
  }
  return found.size > 1 ? [...found].sort() : [];
}
