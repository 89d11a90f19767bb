import { Arg, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import { takeLast } from '../kit';
import { isOpenStage } from './sales.mapper';
import { Opportunity, OpportunityStage, Order, SalesProfile } from './sales.types';

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
