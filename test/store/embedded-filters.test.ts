import { Query } from 'mingo';
import { compileFilter } from '../../store/embedded/query';
import type { Doc } from '../../store/embedded/values';

const at = new Date('2026-12-01T10:00:00Z');
const before = new Date('2026-12-01T09:00:00Z');
const after = new Date('2026-12-01T11:00:00Z');

/** What a stored document's field may hold: every kind the simple test judges or hands on. */
const VALUES: Array<[string, unknown]> = [
  ['missing', undefined],
  ['null', null],
  ['a date before', before],
  ['the same date', at],
  ['a date after', after],
  ['a string', 'x'],
  ['another string', 'y'],
  ['a number', 5],
  ['a boolean', true],
  ['dates in an array', [before, after]],
  ['strings in an array', ['x', 'z']],
  ['an embedded document', { x: 1 }],
];

/** The filters the hub's writes and reads send, and their neighbours. */
const FILTERS: Array<[string, Doc]> = [
  ['equal to a string', { f: 'x' }],
  ['equal to a number', { f: 5 }],
  ['equal to a boolean', { f: true }],
  ['after a date', { f: { $gt: at } }],
  ['at or after a date', { f: { $gte: at } }],
  ['before a date', { f: { $lt: at } }],
  ['at or before a date', { f: { $lte: at } }],
  ['not after a date (a record write-back)', { _id: 'k', f: { $not: { $gt: at } } }],
  ['not before a date', { f: { $not: { $lt: at } } }],
];

describe('the embedded store judges simple filters itself, exactly as the query engine does', () => {
  // Every filter against every kind of value, each compared with mingo's own verdict.
  const cases = FILTERS.flatMap(([filterName, filter]) =>
    VALUES.map(([valueName, value]) => [filterName, valueName, filter, value] as const),
  );
  it.each(cases)('%s, on a field holding %s', (_filterName, _valueName, filter, value) => {
    const doc: Doc = value === undefined ? { _id: 'k' } : { _id: 'k', f: value };
    expect(compileFilter(filter)(doc)).toBe(mingoVerdict(filter, doc));
  });

  it('judges a record write-back filter: an older copy is replaced, a newer one or another id is not', () => {
    const judge = compileFilter({ _id: 'k', fetchedAt: { $not: { $gt: at } } });
    expect(judge({ _id: 'k', fetchedAt: before })).toBe(true);
    expect(judge({ _id: 'k', fetchedAt: after })).toBe(false);
    expect(judge({ _id: 'other', fetchedAt: before })).toBe(false);
  });
});

/** mingo's own verdict, as the store asked it before it judged these filters itself. */
function mingoVerdict(filter: Doc, doc: Doc): boolean {
  return new Query(filter).test(doc);
}
