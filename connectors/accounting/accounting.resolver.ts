import { Arg, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import { takeLast } from '../kit';
import { AccountingAccount, Invoice, InvoiceStatus, Payment } from './accounting.types';

@Resolver(() => AccountingAccount)
export class AccountingAccountResolver {
  @FieldResolver(() => [Invoice], { description: 'Invoices in the order they were issued, oldest first.' })
  invoices(
    @Root() account: AccountingAccount,
    @Arg('last', () => Int, { nullable: true, description: 'Only the most recent `last` invoices.' })
    last: number | null,
    @Arg('status', () => InvoiceStatus, { nullable: true, description: 'Only invoices in this status.' })
    status: InvoiceStatus | null,
  ): Invoice[] {
    const matching = status ? account.allInvoices.filter((invoice) => invoice.status === status) : account.allInvoices;
    return takeLast(matching, last);
  }

  @FieldResolver(() => [Payment], { description: 'Payments in the order they were received, oldest first.' })
  payments(
    @Root() account: AccountingAccount,
    @Arg('last', () => Int, { nullable: true, description: 'Only the most recent `last` payments.' })
    last: number | null,
  ): Payment[] {
    return takeLast(account.allPayments, last);
  }
}
