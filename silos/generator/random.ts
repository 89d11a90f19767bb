import { Faker, base, en, en_US } from '@faker-js/faker';

/**
 * Seeded randomness for the generator. Each part of the world draws from its own stream
 * (`people`, `accounting`, ...), so changing how one silo is generated leaves the others'
 * data exactly as it was.
 */
export interface Rng {
  /** The seeded faker instance behind this stream, for names and words. */
  readonly faker: Faker;
  /** An integer in [min, max]. */
  int(min: number, max: number): number;
  /** A float in [0, 1). */
  next(): number;
  /** True with probability p. */
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** Picks a value with probability proportional to its weight. */
  weighted<T>(entries: readonly (readonly [T, number])[]): T;
}

/** Mixes a seed and a stream label into a 32-bit seed (FNV-1a over both). */
export function streamSeed(seed: number, stream: string): number {
  let hash = 0x811c9dc5;
  const text = `${seed}:${stream}`;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** Creates the random stream `stream` of the world seeded with `seed`. */
export function createRng(seed: number, stream: string): Rng {
  const faker = new Faker({ locale: [en_US, en, base], seed: streamSeed(seed, stream) });
  const next = (): number => faker.number.float();
  return {
    faker,
    next,
    int: (min, max) => faker.number.int({ min, max }),
    chance: (p) => next() < p,
    pick: (items) => items[Math.floor(next() * items.length)],
    weighted: (entries) => {
      let total = 0;
      for (const [, weight] of entries) total += weight;
      let roll = next() * total;
      for (const [value, weight] of entries) {
        roll -= weight;
        if (roll < 0) return value;
      }
      return entries[entries.length - 1][0];
    },
  };
}
