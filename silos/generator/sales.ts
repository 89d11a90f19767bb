import { DAY_MS, isoDay, isoTime } from './dates';
import type { Member } from './people';
import { salesPhone } from './phones';
import type { Rng } from './random';
import type { Contact, Opportunity, OpportunityStage, Order, OrderLine, Product } from './types';

const capitalise = (word: string): string => word.charAt(0).toUpperCase() + word.slice(1);

/**
 * An address as a sales rep types it: capitalised domain (`Example.COM`), sometimes a
 * capitalised mailbox, sometimes a stray space pasted in front or behind.
 */
export function salesEmail(email: string, rng: Rng): string {
  const [local, domain] = email.split('@');
  const typedLocal = rng.chance(0.6) ? local.split('.').map(capitalise).join('.') : local;
  const labels = domain.split('.');
  const tld = labels.pop() ?? '';
  const typedDomain = [...labels.map(capitalise), rng.chance(0.5) ? tld.toUpperCase() : tld].join('.');
  const before = rng.chance(0.15) ? ' ' : '';
  const after = rng.chance(0.15) ? ' ' : '';
  return `${before}${typedLocal}@${typedDomain}${after}`;
}

/** Draws a contact id (`c-5f3a9b2e`) no other contact has. */
function contactId(rng: Rng, taken: Set<string>): string {
  for (;;) {
    const id = `c-${rng.int(0, 0xffffffff).toString(16).padStart(8, '0')}`;
    if (!taken.has(id)) {
      taken.add(id);
      return id;
    }
  }
}

/**
 * Writes the CRM contacts of `members` (those in sales), setting `keys.sales`. Order totals are
 * the sum of their lines and `lifetimeValue` the sum of the totals, computed in cents.
 */
export function generateContacts(
  members: readonly Member[],
  rng: Rng,
  epoch: number,
  catalogue: readonly Product[],
): Contact[] {
  const contacts: Contact[] = [];
  const ids = new Set<string>();
  const counters = { order: 100_000, opportunity: 0 };
  for (const { person, silos } of members) {
    if (!silos.has('sales')) continue;
    const id = contactId(rng, ids);
    person.keys.sales = id;
    const hard = person.hardCase?.silo === 'sales' ? person.hardCase : null;
    const email = hard?.kind === 'sales-personal-email' && hard.value ? hard.value : person.email;
    const sloppy = rng.chance(0.08);
    const orders = generateOrders(rng, epoch, catalogue, counters);
    const lifetimeCents = orders.reduce((sum, order) => sum + Math.round(order.total * 100), 0);
    contacts.push({
      id,
      firstName: sloppy ? person.firstName.toLowerCase() : person.firstName,
      lastName: sloppy ? person.lastName.toLowerCase() : person.lastName,
      email: salesEmail(email, rng),
      mobile: hard?.kind === 'sales-no-mobile' ? null : salesPhone(person.phone),
      lifetimeValue: lifetimeCents / 100,
      orders,
      opportunities: generateOpportunities(rng, epoch, catalogue, counters),
    });
  }
  return contacts;
}

function generateOrders(rng: Rng, epoch: number, catalogue: readonly Product[], counters: { order: number }): Order[] {
  const count = rng.weighted<number>([
    [0, 10],
    [1, 25],
    [2, 20],
    [3, 15],
    [4, 12],
    [5, 8],
    [7, 6],
    [10, 4],
  ]);
  const placed = Array.from({ length: count }, () => epoch - rng.int(60, 720 * 86_400) * 1000);
  return placed
    .sort((a, b) => a - b)
    .map((placedAt) => {
      const lineCount = rng.weighted<number>([
        [1, 45],
        [2, 30],
        [3, 15],
        [4, 10],
      ]);
      const lines: OrderLine[] = [];
      const used = new Set<string>();
      let totalCents = 0;
      while (lines.length < lineCount) {
        const product = rng.pick(catalogue);
        if (used.has(product.sku)) continue;
        used.add(product.sku);
        const qty = product.unitPrice > 300 ? rng.int(1, 3) : rng.int(1, 12);
        totalCents += qty * Math.round(product.unitPrice * 100);
        lines.push({ sku: product.sku, description: product.description, qty, unitPrice: product.unitPrice });
      }
      return { orderId: `SO-${(counters.order += 1)}`, placedAt: isoTime(placedAt), total: totalCents / 100, lines };
    });
}

const OPEN_STAGES: readonly OpportunityStage[] = ['prospecting', 'proposal', 'negotiation'];

function generateOpportunities(
  rng: Rng,
  epoch: number,
  catalogue: readonly Product[],
  counters: { opportunity: number },
): Opportunity[] {
  const count = rng.weighted<number>([
    [0, 50],
    [1, 30],
    [2, 15],
    [3, 5],
  ]);
  return Array.from({ length: count }, () => {
    const product = rng.pick(catalogue);
    const stage = rng.weighted<OpportunityStage>([
      ['prospecting', 25],
      ['proposal', 20],
      ['negotiation', 15],
      ['won', 25],
      ['lost', 15],
    ]);
    // Closed deals closed in the past; open ones are expected to close in the coming months.
    const closeDays = OPEN_STAGES.includes(stage) ? rng.int(7, 270) : -rng.int(1, 365);
    const kind = rng.pick(['Renewal', 'Expansion', 'Pilot', 'Bulk order', 'Upgrade']);
    return {
      id: `OPP-${String((counters.opportunity += 1)).padStart(4, '0')}`,
      title: `${kind}: ${product.description}`,
      stage,
      amount: (Math.round(product.unitPrice * 100) * rng.int(5, 200)) / 100,
      expectedCloseDate: isoDay(epoch + closeDays * DAY_MS),
    };
  });
}
