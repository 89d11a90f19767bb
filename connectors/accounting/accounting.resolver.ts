import { Arg, Ctx, FieldResolver, Int, Query, Resolver, Root } from 'type-graphql';
import { loadRecord, stubsForKeys, takeLast, type CustomerStub, type RequestContext } from '../kit';
import { accountingScope } from './accounting.loader';
import { toAccountingAccount } from './accounting.mapper';
import { AccountingAccount, AccountingCustomer, Invoice, InvoiceStatus, Payment } from './accounting.types';

@Resolver(() => AccountingCustomer)
export class AccountingCustomerResolver {
  @Query(() => [AccountingCustomer], {
    description:
      'Merge field for the gateway: one Customer per account number, in order. Not part of the public graph.',
  })
  accountingCustomers(@Arg('keys', () => [String], { nullable: 'items' }) keys: Array<string | null>): CustomerStub[] {
    return stubsForKeys(keys);
  }

  @FieldResolver(() => AccountingAccount, { nullable: true })
  async accounting(@Root() customer: CustomerStub, @Ctx() ctx: RequestContext): Promise<AccountingAccount | null> {
    const fetched = await loadRecord(ctx, accountingScope, customer.key);
    return fetched && { ...toAccountingAccount(fetched.value), freshness: fetched.freshness };
  }
}

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
