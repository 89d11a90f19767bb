import { generateAccounts } from './accounting';
import { generateCatalogue } from './catalogue';
import { generateProfiles } from './credit';
import { epochForSeed, isoTime } from './dates';
import { type Member, PeopleFactory } from './people';
import { createRng } from './random';
import { generateContacts } from './sales';
import { generateRequesters } from './support';
import type { World, WorldOptions } from './types';

/** The largest world the generator makes (and the silos CLI accepts). */
export const MAX_SCALE = 100_000;

/**
 * Generates the demo world: `scale` people and each silo's records of them, all derived from
 * `seed` (same seed and scale give byte-identical JSON; dates count back from a seed-derived
 * epoch, never from the clock).
 *
 * @example
 * const world = generateWorld({ seed: 42, scale: 1000 });
 * const person = world.people[0]; // person.keys.accounting → 'AC-0001003', ...
 */
export function generateWorld(options: WorldOptions): World {
  const { seed, scale } = options;
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new RangeError(`generateWorld expected seed to be a non-negative integer, but got ${String(seed)}.`);
  }
  if (!Number.isInteger(scale) || scale < 1 || scale > MAX_SCALE) {
    throw new RangeError(
      `generateWorld expected scale to be an integer from 1 to ${MAX_SCALE}, but got ${String(scale)}.`,
    );
  }
  const epoch = epochForSeed(seed);
  const factory = new PeopleFactory(createRng(seed, 'people'));
  const members: Member[] = Array.from({ length: scale }, (_, index) => factory.create(index));
  const catalogue = generateCatalogue(createRng(seed, 'catalogue'));
  return {
    seed,
    scale,
    epoch: isoTime(epoch),
    people: members.map((member) => member.person),
    catalogue,
    accounting: generateAccounts(members, createRng(seed, 'accounting'), epoch),
    sales: generateContacts(members, createRng(seed, 'sales'), epoch, catalogue),
    credit: generateProfiles(members, createRng(seed, 'credit'), epoch),
    support: generateRequesters(members, createRng(seed, 'support'), epoch, catalogue),
  };
}
