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
