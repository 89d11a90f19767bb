import { accountingConnector } from '../../connectors';
import { defineConnectorSuite, errorSummaries, mergeQuery } from '../helpers/connector-suite';

const suite = defineConnectorSuite({
  factory: accountingConnector,
  keysOf: (world) => world.accounting.map((account) => account.accountNumber),
  keyField: 'accountNumber',
  unknownKey: 'AC-9999999',
});

describe('the accounting connector', () => {
  const accountWith = (minInvoices: number) => {
    const account = suite.world.accounting.find(
      (candidate) => candidate.invoices.length >= minInvoices && candidate.payments.length > 0,
    );
    if (!account) throw new TypeError(`The world has no account with ${minInvoices} invoices and a payment`);
    return account;
  };

  it('turns minor units into currency units and lower-case statuses into enum values', async () => {
    const account = accountWith(3);
    const [profile] = await suite.profiles(
      [account.accountNumber],
      /* GraphQL */ `
        {
          currency
          balance
          overdueAmount
          invoices {
            number
            issuedOn
            dueDate
            total
            amountPaid
            status
          }
          payments {
            id
            receivedOn
            amount
            invoiceNumber
            method
          }
        }
      `,
    );
    expect(profile).toEqual({
      currency: account.currency,
      balance: account.balanceMinor / 100,
      overdueAmount: account.overdueMinor / 100,
      invoices: account.invoices.map((invoice) => ({
        number: invoice.number,
        issuedOn: invoice.issuedOn,
        dueDate: invoice.dueOn,
        total: invoice.totalMinor / 100,
        amountPaid: invoice.paidMinor / 100,
        status: invoice.status.toUpperCase(),
      })),
      payments: account.payments.map((payment) => ({
        id: payment.id,
        receivedOn: payment.receivedOn,
        amount: payment.amountMinor / 100,
        invoiceNumber: payment.invoiceNumber,
        method: payment.method.toUpperCase(),
      })),
    });
  });

  it('gives each invoice the amount still due: nothing once paid or void, the unpaid rest otherwise', async () => {
    // Two accounts of the suite's seeded world (seed 7), with their invoices written out.
    const profiles = await suite.profiles<{ invoices: unknown[] }>(
      ['AC-0001005', 'AC-0001390'],
      '{ invoices { number total amountPaid amountDue status } }',
    );
    expect(profiles[0]!.invoices.slice(-4)).toEqual([
      { number: 'INV-000105', total: 172.7, amountPaid: 172.7, amountDue: 0, status: 'PAID' },
      // Partly paid, past due.
      { number: 'INV-000106', total: 231.16, amountPaid: 60.1, amountDue: 171.06, status: 'OVERDUE' },
      { number: 'INV-000107', total: 34.05, amountPaid: 16, amountDue: 18.05, status: 'OVERDUE' },
      { number: 'INV-000108', total: 1292.96, amountPaid: 0, amountDue: 1292.96, status: 'OVERDUE' },
    ]);
    expect(profiles[1]!.invoices).toEqual([
      { number: 'INV-000309', total: 7770.62, amountPaid: 7770.62, amountDue: 0, status: 'PAID' },
      // Voided unpaid: nothing is due.
      { number: 'INV-000310', total: 4279.67, amountPaid: 0, amountDue: 0, status: 'VOID' },
      { number: 'INV-000311', total: 66.74, amountPaid: 0, amountDue: 66.74, status: 'OPEN' },
    ]);
  });

  it("gives amounts due that add up to the system's own balance and overdue amount", async () => {
    const accounts = suite.world.accounting.slice(0, 40);
    const profiles = await suite.profiles<{ invoices: Array<{ amountDue: number; status: string }> }>(
      accounts.map((account) => account.accountNumber),
      '{ invoices { amountDue status } }',
    );
    const cents = (invoices: Array<{ amountDue: number }>) =>
      invoices.reduce((sum, invoice) => sum + Math.round(invoice.amountDue * 100), 0);
    expect(profiles.map((profile) => cents(profile!.invoices))).toEqual(accounts.map((a) => a.balanceMinor));
    expect(
      profiles.map((profile) => cents(profile!.invoices.filter((invoice) => invoice.status === 'OVERDUE'))),
    ).toEqual(accounts.map((a) => a.overdueMinor));
  });

  it('returns the last N invoices oldest first, and only those in the asked status', async () => {
    const account = accountWith(3);
    const status = account.invoices[0].status;
    const [profile] = await suite.profiles<{ last2: { number: string }[]; byStatus: { number: string }[] }>(
      [account.accountNumber],
      `{ last2: invoices(last: 2) { number } byStatus: invoices(status: ${status.toUpperCase()}) { number } }`,
    );
    expect(profile!.last2.map((invoice) => invoice.number)).toEqual(
      account.invoices.slice(-2).map((invoice) => invoice.number),
    );
    expect(profile!.byStatus.map((invoice) => invoice.number)).toEqual(
      account.invoices.filter((invoice) => invoice.status === status).map((invoice) => invoice.number),
    );
  });

  it('rejects a negative last with BAD_USER_INPUT', async () => {
    const result = await suite.execute(mergeQuery(suite.connector, '{ invoices(last: -1) { number } }'), {
      keys: [accountWith(1).accountNumber],
    });
    expect(errorSummaries(result.errors)).toEqual([
      { code: 'BAD_USER_INPUT', connector: undefined, path: ['accountingCustomers', 0, 'accounting', 'invoices'] },
    ]);
  });
});
