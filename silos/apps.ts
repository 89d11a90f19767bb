import type { FastifyInstance } from 'fastify';
import { accountingSilo } from './accounting/accounting.app';
import { buildSiloServer, type SiloDefinition, type SiloOptions } from './common/app';
import { creditSilo } from './credit/credit.app';
import type { SiloName, World } from './generator/types';
import { salesSilo } from './sales/sales.app';
import { supportSilo } from './support/support.app';

/** The four silos, in the order they are started and listed. */
export const SILO_NAMES: readonly SiloName[] = Object.freeze(['accounting', 'sales', 'credit', 'support']);

/** Where each silo listens unless told otherwise. */
export const DEFAULT_SILO_PORTS: Readonly<Record<SiloName, number>> = Object.freeze({
  accounting: 4101,
  sales: 4102,
  credit: 4103,
  support: 4104,
});

const DEFINITIONS: Record<SiloName, (world: World) => SiloDefinition> = {
  accounting: (world) => accountingSilo(world.accounting),
  sales: (world) => salesSilo(world.sales),
  credit: (world) => creditSilo(world.credit),
  support: (world) => supportSilo(world.support),
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
  if (!definition) throw new TypeError(`Expected a silo name (${SILO_NAMES.join(', ')}), but got "${String(name)}".`);
  return buildSiloServer(definition(world), options);
}
