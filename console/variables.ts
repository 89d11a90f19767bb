// The variables form: which of a saved query's variables a person fills in, what each field
// starts with, and how the filled-in text goes to the export's query string. No DOM here.

import type { QueryStringValues, SavedQueryVariable } from './api';

/** How a variable is entered, from its declared type. */
export type InputKind = 'number' | 'boolean' | 'datetime' | 'list' | 'json' | 'text';

/** `[String!]!` → `{ list: true, named: 'String' }`. */
function typeShape(type: string): { list: boolean; named: string } {
  const bare = type.replace(/!$/, '');
  const list = bare.startsWith('[');
  return { list, named: bare.replace(/[[\]!]/g, '') };
}

const NUMBERS = new Set(['Int', 'Float']);
const DATES = new Set(['DateTimeISO', 'DateTime', 'Date']);
const TEXTS = new Set(['String', 'ID']);

/** How a variable of this type is typed in: a number box, a true/false choice, a comma list... */
export function inputKindOf(type: string): InputKind {
  const { list, named } = typeShape(type);
  if (list) return 'list';
  if (NUMBERS.has(named)) return 'number';
  if (named === 'Boolean') return 'boolean';
  if (DATES.has(named)) return 'datetime';
  // Input objects and custom scalars the form does not know: JSON, which the export reads as such.
  return TEXTS.has(named) ? 'text' : 'json';
}

/** A hint under the field, saying what to type. */
export function hintOf(variable: SavedQueryVariable): string {
  switch (inputKindOf(variable.type)) {
    case 'list':
      return 'Values separated by commas';
    case 'datetime':
      return 'A date and time, e.g. 2026-06-01T00:00:00Z';
    case 'json':
      return 'JSON';
    default:
      return '';
  }
}

/** The variables a person fills in: all but the one the export pages by. */
export function formVariables(
  variables: readonly SavedQueryVariable[],
  pagingVariable: string | null,
): SavedQueryVariable[] {
  return variables.filter((variable) => variable.name !== pagingVariable);
}

/** What a field starts with: the declared default, as the person would type it. */
export function initialText(variable: SavedQueryVariable): string {
  const value = variable.defaultValue;
  if (!variable.hasDefault || value === null || value === undefined) return '';
  if (Array.isArray(value))
    return value.map((item) => (typeof item === 'string' ? item : JSON.stringify(item))).join(', ');
  if (typeof value === 'string') return value;
  return typeof value === 'number' || typeof value === 'boolean' ? String(value) : JSON.stringify(value);
}

/**
 * The filled-in form as the export's query string takes it. An empty field is left out, so the
 * declared default applies (or, for a required one, the hub says it is missing, by name); a list
 * is one value per comma-separated item.
 */
export function queryStringOf(
  variables: readonly SavedQueryVariable[],
  texts: Readonly<Record<string, string>>,
): QueryStringValues {
  const values: QueryStringValues = {};
  for (const variable of variables) {
    const text = (texts[variable.name] ?? '').trim();
    if (text === '') continue;
    values[variable.name] =
      inputKindOf(variable.type) === 'list'
        ? text
            .split(',')
            .map((item) => item.trim())
            .filter((item) => item !== '')
        : text;
  }
  return values;
}
