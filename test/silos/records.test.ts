import { generateWorld, type World } from '../../silos';
import { riskBandForScore } from '../../silos/generator/credit';

const world: World = generateWorld({ seed: 13, scale: 1500 });
const today = world.epoch.slice(0, 10);
const cents = (amount: number) => Math.round(amount * 100);
const ascending = (values: readonly string[]) => values.every((v, i) => i === 0 || values[i - 1] <= v);

describe('accounting records', () => {
  it('have balance = unpaid on invoices not void, overdue = unpaid on invoices past due', () => {
    for (const account of world.accounting) {
      const live = account.invoices.filter((invoice) => invoice.status !== 'void');
      const unpaid = (list: typeof live) => list.reduce((sum, i) => sum + i.totalMinor - i.paidMinor, 0);
      expect(account.balanceMinor).toBe(unpaid(live));
      expect(account.overdueMinor).toBe(unpaid(live.filter((i) => i.dueOn < today)));
    }
  });

  it('give each invoice the status its payments and due date imply', () => {
    for (const invoice of world.accounting.flatMap((account) => account.invoices)) {
      const expected =
        invoice.status === 'void'
          ? 'void'
          : invoice.paidMinor === invoice.totalMinor
            ? 'paid'
            : invoice.dueOn < today
              ? 'overdue'
              : 'open';
      expect(invoice.status).toBe(expected);
      expect(invoice.paidMinor).toBeGreaterThanOrEqual(0);
      expect(invoice.paidMinor).toBeLessThanOrEqual(invoice.totalMinor);
      expect(invoice.issuedOn < invoice.dueOn).toBe(true);
    }
  });

  it('have payments that add up to what each invoice says is paid, received after issue and before now', () => {
    for (const account of world.accounting) {
      const issued = new Map(account.invoices.map((i) => [i.number, i.issuedOn]));
      for (const invoice of account.invoices) {
        const paid = account.payments.filter((p) => p.invoiceNumber === invoice.number);
        expect(paid.reduce((sum, p) => sum + p.amountMinor, 0)).toBe(invoice.paidMinor);
      }
      for (const payment of account.payments) {
        expect(payment.receivedOn >= issued.get(payment.invoiceNumber)!).toBe(true);
        expect(payment.receivedOn < today).toBe(true);
      }
      expect(ascending(account.invoices.map((i) => i.issuedOn))).toBe(true);
      expect(ascending(account.payments.map((p) => p.receivedOn))).toBe(true);
    }
  });

  it('include settled accounts, accounts in arrears and void invoices', () => {
    expect(world.accounting.some((a) => a.overdueMinor > 0)).toBe(true);
    expect(world.accounting.some((a) => a.invoices.length > 0 && a.balanceMinor === 0)).toBe(true);
    expect(world.accounting.some((a) => a.invoices.some((i) => i.status === 'void'))).toBe(true);
    expect(world.accounting.some((a) => a.invoices.some((i) => i.status === 'open'))).toBe(true);
  });
});

describe('sales records', () => {
  const catalogue = new Map(world.catalogue.map((p) => [p.sku, p]));

  it('have order totals equal to their lines and lifetime value equal to the orders', () => {
    for (const contact of world.sales) {
      for (const order of contact.orders) {
        const lines = order.lines.reduce((sum, line) => sum + line.qty * cents(line.unitPrice), 0);
        expect(cents(order.total)).toBe(lines);
      }
      expect(cents(contact.lifetimeValue)).toBe(contact.orders.reduce((sum, o) => sum + cents(o.total), 0));
      expect(ascending(contact.orders.map((o) => o.placedAt))).toBe(true);
    }
  });

  it('sell only catalogue products at catalogue prices', () => {
    for (const line of world.sales.flatMap((c) => c.orders.flatMap((o) => o.lines))) {
      expect(catalogue.get(line.sku)).toEqual({
        sku: line.sku,
        description: line.description,
        unitPrice: line.unitPrice,
      });
      expect(line.qty).toBeGreaterThan(0);
    }
  });

  it('date closed opportunities in the past and open ones in the future', () => {
    const opportunities = world.sales.flatMap((c) => c.opportunities);
    expect(opportunities.length).toBeGreaterThan(0);
    for (const o of opportunities) {
      const closed = o.stage === 'won' || o.stage === 'lost';
      expect(o.expectedCloseDate < today).toBe(closed);
    }
  });
});

describe('credit records', () => {
  it('have a score in 300..850, the band for that score and exposure within the limit', () => {
    for (const profile of world.credit) {
      expect(profile.score).toBeGreaterThanOrEqual(300);
      expect(profile.score).toBeLessThanOrEqual(850);
      expect(profile.riskBand).toBe(riskBandForScore(profile.score));
      expect(profile.exposure).toBeGreaterThanOrEqual(0);
      expect(profile.exposure).toBeLessThanOrEqual(profile.limit);
      expect(profile.reviewedAt < world.epoch).toBe(true);
      if (profile.riskBand === 'E' || profile.limit === 0) expect(profile.paymentTerms).toBe('PREPAID');
    }
    expect(new Set(world.credit.map((p) => p.riskBand)).size).toBe(5);
  });

  it('band scores at the documented thresholds', () => {
    expect([850, 750, 749, 700, 699, 650, 649, 600, 599, 300].map(riskBandForScore)).toEqual([
      'A',
      'A',
      'B',
      'B',
      'C',
      'C',
      'D',
      'D',
      'E',
      'E',
    ]);
  });
});

describe('support records', () => {
  it('have tickets oldest first, numbered in that order, with consistent timestamps', () => {
    for (const requester of world.support) {
      const { tickets } = requester;
      expect(ascending(tickets.map((t) => t.createdAt))).toBe(true);
      expect(tickets.every((t, i) => i === 0 || tickets[i - 1].id < t.id)).toBe(true);
      for (const ticket of tickets) {
        expect(ticket.updatedAt >= ticket.createdAt).toBe(true);
        expect(ticket.updatedAt <= world.epoch).toBe(true);
        expect(ticket.solvedAt !== null).toBe(ticket.status === 'solved' || ticket.status === 'closed');
        if (ticket.solvedAt !== null)
          expect(ticket.solvedAt >= ticket.createdAt && ticket.solvedAt <= ticket.updatedAt).toBe(true);
      }
    }
    expect(world.support.some((r) => r.tickets.some((t) => ['new', 'open', 'pending'].includes(t.status)))).toBe(true);
  });

  it("show the person's own number, in the phone system's format, on every call", () => {
    const people = new Map(world.people.filter((p) => p.keys.support).map((p) => [p.keys.support!, p]));
    for (const requester of world.support) {
      const person = people.get(requester.email)!;
      for (const call of requester.calls) {
        expect(call.callerNumber).toMatch(/^\+1 \(\d{3}\) \d{3} \d{4}$/);
        expect(`+${call.callerNumber.replace(/\D/g, '')}`).toBe(person.phone);
      }
      expect(ascending(requester.calls.map((c) => c.startedAt))).toBe(true);
    }
  });
});
