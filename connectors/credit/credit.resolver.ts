import { Arg, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import { loadRecord, stubsForKeys, type CustomerStub, type RequestContext } from '../kit';
import { creditScope } from './credit.loader';
import { toCreditProfile } from './credit.mapper';
import { CreditCustomer, CreditProfile } from './credit.types';

@Resolver(() => CreditCustomer)
export class CreditCustomerResolver {
  @Query(() => [CreditCustomer], {
    description: 'Merge field for the gateway: one Customer per tax number, in order. Not part of the public graph.',
  })
  creditCustomers(@Arg('keys', () => [String], { nullable: 'items' }) keys: Array<string | null>): CustomerStub[] {
    return stubsForKeys(keys);
  }

  @FieldResolver(() => CreditProfile, { nullable: true })
  async credit(@Root() customer: CustomerStub, @Ctx() ctx: RequestContext): Promise<CreditProfile | null> {
    const fetched = await loadRecord(ctx, creditScope, customer.key);
    return fetched && { ...toCreditProfile(fetched.value), freshness: fetched.freshness };
  }
}
