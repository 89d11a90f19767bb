import { Arg, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import { takeLast } from '../kit';
import { Call, SupportProfile, Ticket, TicketStatus } from './support.types';

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
