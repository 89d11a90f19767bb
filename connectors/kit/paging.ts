import { badUserInput } from '../../schema/errors';

/** The most items a `last` argument may ask for. */
export const MAX_LAST = 1_000;

/**
 * The last `last` items of a chronological list (all of them when `last` is null), still in
 * chronological order, as Relay's `last` does. A negative or huge `last` is BAD_USER_INPUT.
 */
export function takeLast<T>(items: readonly T[], last: number | null | undefined, argument = 'last'): T[] {
  if (last === null || last === undefined) return [...items];
  if (!Number.isInteger(last) || last < 0 || last > MAX_LAST) {
    throw badUserInput(`Argument "${argument}" must be an integer from 0 to ${MAX_LAST}, found ${last}`, argument);
  }
  return last === 0 ? [] : items.slice(-last);
}
