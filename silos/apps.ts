import type { FastifyInstance } from 'fastify';
import { accountingSilo } from './accounting/accounting.app';
import { buildSiloServer, type SiloDefinition, type SiloOptions } from './common/app';
import { creditSilo } from './credit/credit.app';
import type { SiloName, World } from './generator/types';
import { ALL_SILO_NAMES } from './names';

export { ALL_SILO_NAMES, SILO_NAMES } from './names';
import { marketingSilo } from './marketing/marketing.app';
import { salesSilo } from './sales/sales.app';
import { supportSilo } from './support/support.app';

/** Where each silo listens unless told otherwise. */
export const DEFAULT_SILO_PORTS: Readonly<Record<SiloName, number>> = Object.freeze({
  accounting: 4101,
  sales: 4102,
  credit: 4103,
  support: 4104,
  marketing: 4105,
});

/** Marketing's records; a world generated without them cannot serve the silo. */
function subscribersOf(world: World) {
  if (world.marketing === undefined) {
    throw new TypeError(
      'Expected a world with marketing records to serve the marketing silo, but it has none: ' +
        "generate it with generateWorld({ seed, scale, with: ['marketing'] }).",
    );
  }
  return world.marketing;
}

const DEFINITIONS: Record<SiloName, (world: World) => SiloDefinition> = {
  accounting: (world) => accountingSilo(world.accounting),
  sales: (world) => salesSilo(world.sales),
  credit: (world) => creditSilo(world.credit),
  support: (world) => supportSilo(world.support),
  marketing: (world) => marketingSilo(subscribersOf(world)),
};

/**
 * Builds one silo's fastify app over `world`, ready for `listen` or `inject`.
 *
 * @example
 * const app = await buildSiloApp('sales', generateWorld({ seed: 1, scale: 100 }));
 * const res = await app.inject({ url: '/contacts?page=1&pageSize=10' });
 */
export async function buildSiloApp(name: SiloName, world: World, options: SiloOptions = {}): Promise<FastifyInstance> {
  const definition = DEFINITIONS[name];
  if (!definition)
    throw new TypeError(`Expected a silo name (${ALL_SILO_NAMES.join(', ')}), but got "${String(name)}".`);
  return buildSiloServer(definition(world), options);
}
