import type { Person } from '../../../silos';
import { SCREEN_POP_QUERY } from '../../../connectors';
import { startTestHub, type TestHub } from '../../helpers/hub';

interface ScreenPop {
  customerByPhone: {
    id: string;
    name: string;
    accounting: {
      balance: number;
      overdueAmount: number;
      invoices: Array<{ number: string; total: number; dueDate: string; status: string }>;
    } | null;
    sales: {
      lifetimeValue: number;
      orders: Array<{ id: string; date: string; total: number; items: Array<{ sku: string; quantity: number }> }>;
    } | null;
    credit: { limit: number; available: number; score: number; riskBand: string; terms: string } | null;
    support: {
      openTickets: number;
      tickets: Array<{ id: string; subject: string; priority: string; openedAt: string }>;
    } | null;
  } | null;
}

/** Writes an E.164 US number the way a caller-ID display might: (415) 555-0132. */
const asDisplayed = (e164: string): string => `(${e164.slice(2, 5)}) ${e164.slice(5, 8)}-${e164.slice(8)}`;

describe('the call-centre screen pop', () => {
  let t: TestHub;
  let everywhere: Person;

  beforeAll(async () => {
    t = await startTestHub({ scale: 300 });
    everywhere = t.silos.world.people.find(
      (p) => p.hardCase === null && p.keys.accounting && p.keys.sales && p.keys.credit && p.keys.support,
    )!;
  });
  afterAll(() => t.close());

  it('answers every department for a caller found by phone, in one query', async () => {
    const result = await t.query<ScreenPop>(SCREEN_POP_QUERY, { phone: asDisplayed(everywhere.phone) });
    expect(result.errors).toBeUndefined();
    const customer = result.data!.customerByPhone!;
    expect(customer.name).toBe(`${everywhere.firstName} ${everywhere.lastName}`);

    const world = t.silos.world;
    const account = world.accounting.find((a) => a.accountNumber === everywhere.keys.accounting)!;
    expect(customer.accounting!.balance).toBeCloseTo(account.balanceMinor / 100, 2);
    expect(customer.accounting!.overdueAmount).toBeCloseTo(account.overdueMinor / 100, 2);
    expect(customer.accounting!.invoices.map((i) => i.number)).toEqual(account.invoices.slice(-5).map((i) => i.number));

    const contact = world.sales.find((c) => c.id === everywhere.keys.sales)!;
    expect(customer.sales!.lifetimeValue).toBeCloseTo(contact.lifetimeValue, 2);
    expect(customer.sales!.orders.map((o) => o.id)).toEqual(contact.orders.slice(-5).map((o) => o.orderId));
    expect(customer.sales!.orders.flatMap((o) => o.items.map((i) => i.sku))).toEqual(
      contact.orders.slice(-5).flatMap((o) => o.lines.map((l) => l.sku)),
    );

    const profile = world.credit.find((p) => p.taxNumber === everywhere.keys.credit)!;
    expect(customer.credit).toEqual({
      limit: profile.limit,
      available: profile.limit - profile.exposure,
      score: profile.score,
      riskBand: profile.riskBand,
      terms: profile.paymentTerms,
    });

    const requester = world.support.find((r) => r.email === everywhere.keys.support)!;
    const open = requester.tickets.filter((k) => ['new', 'open', 'pending'].includes(k.status));
    expect(customer.support!.openTickets).toBe(open.length);
    expect(customer.support!.tickets.map((k) => k.id)).toEqual(
      requester.tickets.filter((k) => k.status === 'open').map((k) => String(k.id)),
    );
  });

  it('finds the same customer by e-mail written in another case, and by hub id', async () => {
    const byPhone = await t.query<ScreenPop>(`query($p: String!) { customerByPhone(phone: $p) { id } }`, {
      p: everywhere.phone,
    });
    const id = byPhone.data!.customerByPhone!.id;
    const byEmail = await t.query<{ customerByEmail: { id: string } }>(
      `query($e: String!) { customerByEmail(email: $e) { id } }`,
      {
        e: `  ${everywhere.email.toUpperCase()} `,
      },
    );
    expect(byEmail.data!.customerByEmail.id).toBe(id);
    const byId = await t.query<{ customer: { id: string; links: Array<{ system: string; key: string }> } }>(
      `query($id: ID!) { customer(id: $id) { id links { system key } } }`,
      { id },
    );
    expect(byId.data!.customer.links).toEqual([
      { system: 'accounting', key: everywhere.keys.accounting },
      { system: 'sales', key: everywhere.keys.sales },
      { system: 'credit', key: everywhere.keys.credit },
      { system: 'support', key: everywhere.keys.support },
    ]);
  });

  it('answers null, without an error, for an unknown customer', async () => {
    const result = await t.query(
      `{ customer(id: "cus_0000000000000000") { id } customerByPhone(phone: "+1 212 555 0199") { id } customerByEmail(email: "nobody@nowhere.example") { id } }`,
    );
    expect(result).toEqual({ data: { customer: null, customerByPhone: null, customerByEmail: null } });
  });

  it.each([
    ['customerByPhone(phone: "not a phone")', 'phone'],
    ['customerByEmail(email: "jane.doe")', 'email'],
  ])('rejects %s as BAD_USER_INPUT naming the argument', async (field, argument) => {
    const result = await t.query(`{ ${field} { id } }`);
    expect(result.data).toEqual({ [field.split('(')[0]]: null });
    expect(result.errors).toEqual([
      expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', argument }) }),
    ]);
  });

  it('gives a customer known to only some systems null for the others, without errors', async () => {
    const partial = t.silos.world.people.find((p) => p.hardCase === null && !p.keys.credit && p.keys.accounting)!;
    const result = await t.query<ScreenPop>(SCREEN_POP_QUERY, { phone: partial.phone });
    expect(result.errors).toBeUndefined();
    expect(result.data!.customerByPhone!.credit).toBeNull();
    expect(result.data!.customerByPhone!.accounting).not.toBeNull();
  });
});
