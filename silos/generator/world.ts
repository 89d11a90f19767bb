import { generateAccounts } from './accounting';
import { generateCatalogue } from './catalogue';
import { generateProfiles } from './credit';
import { epochForSeed, isoTime } from './dates';
import { generateMarketing } from './marketing';
import { type Member, PeopleFactory } from './people';
import { createRng } from './random';
import { generateContacts } from './sales';
import { generateRequesters } from './support';
import { OPTIONAL_SILO_NAMES } from '../names';
import type { World, WorldOptions } from './types';

export { OPTIONAL_SILO_NAMES } from '../names';

/** The largest world the generator makes (and the silos CLI accepts). */
export const MAX_SCALE = 100_000;

/**
 * Generates the demo world: `scale` people and each silo's records of them, all derived from
 * `seed` (same seed and scale give byte-identical JSON; dates count back from a seed-derived
 * epoch, never from the clock). Optional silos named in `with` are generated last, each from its
 * own stream, so the rest of the world is the same with or without them (except the keys and
 * hard cases they add to people).
 *
 * @example
 * const world = generateWorld({ seed: 42, scale: 1000 });
 * const person = world.people[0]; // person.keys.accounting → 'AC-0001003', ...
 * const withMarketing = generateWorld({ seed: 42, scale: 1000, with: ['marketing'] });
 * withMarketing.marketing?.[0].id; // → 'sub_…'
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
  for (const name of options.with ?? []) {
    if (!OPTIONAL_SILO_NAMES.includes(name)) {
      throw new RangeError(
        `generateWorld expected with to list optional silos (${OPTIONAL_SILO_NAMES.join(', ')}), but got "${String(name)}".`,
      );
    }
  }
  const epoch = epochForSeed(seed);
  const factory = new PeopleFactory(createRng(seed, 'people'));
  const members: Member[] = Array.from({ length: scale }, (_, index) => factory.create(index));
  const catalogue = generateCatalogue(createRng(seed, 'catalogue'));
  const world: World = {
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
  if (options.with?.includes('marketing')) {
    const { subscribers, leads } = generateMarketing(members, createRng(seed, 'marketing'), epoch);
    world.marketing = subscribers;
    world.leads = leads;
  }
  return world;
}
