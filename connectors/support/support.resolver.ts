import { Arg, Ctx, FieldResolver, Int, Query, Resolver, Root } from 'type-graphql';
import { loadRecord, stubsForKeys, takeLast, type CustomerStub, type RequestContext } from '../kit';
import { supportScope } from './support.loader';
import { toSupportProfile } from './support.mapper';
import { Call, SupportCustomer, SupportProfile, Ticket, TicketStatus } from './support.types';

@Resolver(() => SupportCustomer)
export class SupportCustomerResolver {
  @Query(() => [SupportCustomer], {
    description: 'Merge field for the gateway: one Customer per e-mail, in order. Not part of the public graph.',
  })
  supportCustomers(@Arg('keys', () => [String], { nullable: 'items' }) keys: Array<string | null>): CustomerStub[] {
    return stubsForKeys(keys);
  }

  @FieldResolver(() => SupportProfile, { nullable: true })
  async support(@Root() customer: CustomerStub, @Ctx() ctx: RequestContext): Promise<SupportProfile | null> {
    const fetched = await loadRecord(ctx, supportScope, customer.key);
    return fetched && { ...toSupportProfile(fetched.value), freshness: fetched.freshness };
  }
}

@Resolver(() => SupportProfile)
export class SupportProfileResolver {
  @FieldResolver(() => [Ticket], { description: 'Tickets in the order they were opened, oldest first.' })
  tickets(
    @Root() profile: SupportProfile,
    @Arg('status', () => TicketStatus, { nullable: true, description: 'Only tickets in this status.' })
    status: TicketStatus | null,
    @Arg('last', () => Int, { nullable: true, description: 'Only the most recent `last` tickets.' })
    last: number | null,
  ): Ticket[] {
    const matching = status ? profile.allTickets.filter((ticket) => ticket.status === status) : profile.allTickets;
    return takeLast(matching, last);
  }

  @FieldResolver(() => [Call], { description: 'Calls in the order they started, oldest first.' })
  calls(
    @Root() profile: SupportProfile,
    @Arg('last', () => Int, { nullable: true, description: 'Only the most recent `last` calls.' }) last: number | null,
  ): Call[] {
    return takeLast(profile.allCalls, last);
  }
}
