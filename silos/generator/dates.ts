/** Date arithmetic in whole UTC days and seconds, so every date derives from the world's epoch. */

export const DAY_MS = 86_400_000;

/**
 * The world's "now": midnight UTC, within the 90 days before 2026-03-31, chosen by the seed.
 * Tying it to the seed (not the clock) keeps a world byte-identical whenever it is generated.
 */
export function epochForSeed(seed: number): number {
  return Date.UTC(2026, 2, 31) - ((seed >>> 0) % 90) * DAY_MS;
}

// A world spans a few years, so its day strings are a few thousand: formatting each once and
// sharing the string saves millions of Date objects and strings at scale 100,000.
const dayStrings = new Map<number, string>();

function dayString(day: number): string {
  let text = dayStrings.get(day);
  if (text === undefined) {
    text = new Date(day * DAY_MS).toISOString().slice(0, 10);
    dayStrings.set(day, text);
  }
  return text;
}

/** `YYYY-MM-DD` of a time in ms. */
export function isoDay(ms: number): string {
  return dayString(Math.floor(ms / DAY_MS));
}

/** Full ISO time (`2026-02-01T10:11:12.000Z`) of a time in ms. */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}
