import { Arg, Ctx, FieldResolver, Int, Query, Resolver, Root } from 'type-graphql';
import { loadRecord, stubsForKeys, takeLast, type CustomerStub, type RequestContext } from '../kit';
import { salesScope } from './sales.loader';
import { isOpenStage, toSalesProfile } from './sales.mapper';
import { Opportunity, OpportunityStage, Order, SalesCustomer, SalesProfile } from './sales.types';

@Resolver(() => SalesCustomer)
export class SalesCustomerResolver {
  @Query(() => [SalesCustomer], {
    description: 'Merge field for the gateway: one Customer per contact id, in order. Not part of the public graph.',
  })
  salesCustomers(@Arg('keys', () => [String], { nullable: 'items' }) keys: Array<string | null>): CustomerStub[] {
    return stubsForKeys(keys);
  }

  @FieldResolver(() => SalesProfile, { nullable: true })
  async sales(@Root() customer: CustomerStub, @Ctx() ctx: RequestContext): Promise<SalesProfile | null> {
    const fetched = await loadRecord(ctx, salesScope, customer.key);
    return fetched && { ...toSalesProfile(fetched.value), freshness: fetched.freshness };
  }
}

@Resolver(() => SalesProfile)
export class SalesProfileResolver {
  @FieldResolver(() => [Order], { description: 'Orders in the order they were placed, oldest first.' })
  orders(
    @Root() profile: SalesProfile,
    @Arg('last', () => Int, { nullable: true, description: 'Only the most recent `last` orders.' }) last: number | null,
  ): Order[] {
    return takeLast(profile.allOrders, last);
  }

  @FieldResolver(() => [Opportunity], { description: 'Opportunities by expected close date, earliest first.' })
  opportunities(
    @Root() profile: SalesProfile,
    @Arg('stage', () => OpportunityStage, { nullable: true, description: 'Only opportunities at this stage.' })
    stage: OpportunityStage | null,
    @Arg('open', () => Boolean, {
      nullable: true,
      description: 'true: only open opportunities (neither won nor lost); false: only closed ones.',
    })
    open: boolean | null,
    @Arg('last', () => Int, { nullable: true, description: 'Only the `last` opportunities closing latest.' })
    last: number | null,
  ): Opportunity[] {
    const matching = profile.allOpportunities.filter(
      (opportunity) =>
        (stage === null || stage === undefined || opportunity.stage === stage) &&
        (open === null || open === undefined || isOpenStage(opportunity.stage) === open),
    );
    return takeLast(matching, last);
  }
}
