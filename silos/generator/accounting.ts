import { DAY_MS, isoDay } from './dates';
import type { Member } from './people';
import { accountingPhone } from './phones';
import type { Rng } from './random';
import type { Account, Invoice, Payment } from './types';

type Method = Payment['method'];

/** Billing writes names surname first, upper case: `DOE, Jane`. */
export function accountingName(firstName: string, lastName: string): string {
  return `${lastName.toUpperCase()}, ${firstName}`;
}

/** The billing form capitalises each part of the mailbox: `Jane.Doe@example.com`. */
export function accountingEmail(email: string): string {
  const [local, domain] = email.split('@');
  return `${local.replace(/(^|[._])([a-z])/g, (_, sep: string, c: string) => sep + c.toUpperCase())}@${domain}`;
}

/**
 * Writes the accounting records of `members` (those in accounting), setting `keys.accounting`.
 * Invoices and payments are drawn so the account adds up: balance is what is unpaid on non-void
 * invoices, overdue is what is unpaid on invoices due before the epoch.
 */
export function generateAccounts(members: readonly Member[], rng: Rng, epoch: number): Account[] {
  const accounts: Account[] = [];
  let accountNo = 1000;
  const counters = { invoice: 100, payment: 100 };
  for (const { person, traits, silos } of members) {
    if (!silos.has('accounting')) continue;
    // Gaps between numbers, as closed and test accounts leave in a real ledger; order is kept.
    accountNo += rng.int(1, 9);
    const accountNumber = `AC-${String(accountNo).padStart(7, '0')}`;
    person.keys.accounting = accountNumber;
    const hard = person.hardCase?.silo === 'accounting' ? person.hardCase : null;
    const phone = hard?.kind === 'accounting-old-phone' && hard.value ? hard.value : person.phone;
    const account: Account = {
      accountNumber,
      name: accountingName(person.firstName, person.lastName),
      email: accountingEmail(person.email),
      phone: accountingPhone(phone),
      taxId: hard?.kind === 'accounting-no-tax-id' ? null : person.taxNumber,
      currency: traits.currency,
      balanceMinor: 0,
      overdueMinor: 0,
      invoices: [],
      payments: [],
    };
    fillLedger(account, traits.reliability, rng, epoch, counters);
    accounts.push(account);
  }
  return accounts;
}

function fillLedger(
  account: Account,
  reliability: number,
  rng: Rng,
  epoch: number,
  counters: { invoice: number; payment: number },
): void {
  const count = rng.weighted<number>([
    [0, 8],
    [1, 15],
    [2, 20],
    [3, 20],
    [4, 15],
    [5, 10],
    [6, 7],
    [8, 5],
  ]);
  const issuedDays = Array.from({ length: count }, () => rng.int(1, 540)).sort((a, b) => b - a);
  const method = rng.weighted<Method>([
    ['card', 45],
    ['transfer', 35],
    ['direct_debit', 20],
  ]);
  const terms = rng.pick([15, 30, 30, 30, 45, 60]);
  const payments: Payment[] = [];
  for (const daysAgo of issuedDays) {
    const issued = epoch - daysAgo * DAY_MS;
    const due = issued + terms * DAY_MS;
    const totalMinor = rng.weighted<number>([
      [rng.int(20_00, 250_00), 50],
      [rng.int(250_00, 2_000_00), 40],
      [rng.int(2_000_00, 15_000_00), 10],
    ]);
    const invoice: Invoice = {
      number: `INV-${String((counters.invoice += 1)).padStart(6, '0')}`,
      issuedOn: isoDay(issued),
      dueOn: isoDay(due),
      totalMinor,
      paidMinor: 0,
      status: 'open',
    };
    account.invoices.push(invoice);
    if (rng.chance(0.03)) {
      invoice.status = 'void';
      continue;
    }
    invoice.paidMinor = paidShare(rng, reliability, due < epoch, totalMinor);
    // Payments arrive between issue and (late payers: well after) the due date, never after now.
    const latest = Math.min(epoch - DAY_MS, due + (reliability < 0.4 ? 45 : 5) * DAY_MS);
    // One payment, or sometimes two instalments that add up to what was paid.
    const split = invoice.paidMinor > 0 && rng.chance(0.15) ? Math.floor(invoice.paidMinor / 2) : 0;
    const amounts = invoice.paidMinor === 0 ? [] : split > 0 ? [split, invoice.paidMinor - split] : [invoice.paidMinor];
    const spanDays = Math.max(0, Math.floor((latest - issued) / DAY_MS));
    for (const amountMinor of amounts) {
      payments.push({
        id: `PAY-${String((counters.payment += 1)).padStart(6, '0')}`,
        receivedOn: isoDay(issued + rng.int(0, spanDays) * DAY_MS),
        amountMinor,
        invoiceNumber: invoice.number,
        method: rng.chance(0.9) ? method : rng.pick<Method>(['card', 'transfer', 'direct_debit']),
      });
    }
    const unpaid = totalMinor - invoice.paidMinor;
    invoice.status = unpaid === 0 ? 'paid' : due < epoch ? 'overdue' : 'open';
    account.balanceMinor += unpaid;
    if (invoice.status === 'overdue') account.overdueMinor += unpaid;
  }
  // Oldest first; ids were issued in invoice order, so they break ties on the same day.
  account.payments = payments.sort((a, b) =>
    a.receivedOn < b.receivedOn ? -1 : a.receivedOn > b.receivedOn ? 1 : a.id < b.id ? -1 : 1,
  );
}

/** How much of an invoice is paid: reliable payers settle in full, others leave some open. */
function paidShare(rng: Rng, reliability: number, pastDue: boolean, totalMinor: number): number {
  const fullChance = pastDue ? 0.55 + 0.45 * reliability : 0.15 + 0.5 * reliability;
  if (rng.chance(fullChance)) return totalMinor;
  if (rng.chance(0.35)) return Math.round((totalMinor * rng.int(10, 90)) / 100);
  return 0;
}
