/**
 * About how many characters `value` would take as JSON, counted without building the text:
 * what the hub's memory layers (records, identity look-ups) weigh an entry by. `JSON.stringify` gave the exact figure but built a
 * string per record stored, a few per cent of a cold page's allocations, only to read its length.
 * Numbers count as 8 (a typical amount or count); values JSON leaves out (undefined, functions)
 * as 4, like `null`. Records come from parsed JSON, so there are no cycles to guard against.
 *
 * @example
 * approximateJsonLength({ id: 'c-1', tags: ['a', 'b'] }) // 29, as JSON.stringify's length
 * approximateJsonLength({ total: 12.5 }) // 18: 8 for the number (JSON.stringify: 14)
 */
export function approximateJsonLength(value: unknown): number {
  switch (typeof value) {
    case 'string':
      return value.length + 2;
    case 'number':
      return 8;
    case 'boolean':
      return value ? 4 : 5;
    case 'bigint':
      return 8;
    case 'object':
      break;
    default:
      return 4;
  }
  if (value === null) return 4;
  if (value instanceof Date) return 26;
  // The brackets, then each entry and the comma before it; the first has none.
  let length = 1;
  if (Array.isArray(value)) {
    for (const item of value) length += approximateJsonLength(item) + 1;
    return value.length === 0 ? 2 : length;
  }
  for (const key in value) {
    if (!Object.prototype.hasOwnProperty.call(value, key)) continue;
    length += key.length + 4 + approximateJsonLength((value as Record<string, unknown>)[key]);
  }
  return length === 1 ? 2 : length;
}
