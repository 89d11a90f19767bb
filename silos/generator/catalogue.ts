import type { Rng } from './random';
import type { Product } from './types';

/** Number of products sales sells; small, like a real mid-size catalogue. */
const CATALOGUE_SIZE = 60;

/**
 * The product catalogue: unique SKUs (`SKU-1042`) and names, prices in USD with cents. Prices
 * span cheap consumables to equipment, so order totals look like a real shop's.
 */
export function generateCatalogue(rng: Rng): Product[] {
  const names = new Set<string>();
  const products: Product[] = [];
  let sku = 1000;
  while (products.length < CATALOGUE_SIZE) {
    const description = rng.faker.commerce.productName();
    if (names.has(description)) continue;
    names.add(description);
    sku += rng.int(1, 40);
    const dollars = rng.weighted<number>([
      [rng.int(5, 49), 40],
      [rng.int(50, 299), 40],
      [rng.int(300, 2500), 20],
    ]);
    const cents = rng.pick([0, 49, 95, 99, 99, 99]);
    products.push({ sku: `SKU-${sku}`, description, unitPrice: (dollars * 100 + cents) / 100 });
  }
  return products;
}
