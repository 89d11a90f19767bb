import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Freshness } from '../kit';

/** Where a support ticket stands. */
export enum TicketStatus {
  NEW = 'NEW',
  OPEN = 'OPEN',
  PENDING = 'PENDING',
  SOLVED = 'SOLVED',
  CLOSED = 'CLOSED',
}
registerEnumType(TicketStatus, {
  name: 'TicketStatus',
  description: 'Where a support ticket stands.',
  valuesConfig: {
    NEW: { description: 'Received; no agent has looked at it yet.' },
    OPEN: { description: 'An agent is working on it.' },
    PENDING: { description: 'Waiting for the customer to answer.' },
    SOLVED: { description: 'An agent solved it; the customer may still reopen it.' },
    CLOSED: { description: 'Solved and closed for good.' },
  },
});

/** How urgent a support ticket is. */
export enum TicketPriority {
  LOW = 'LOW',
  NORMAL = 'NORMAL',
  HIGH = 'HIGH',
  URGENT = 'URGENT',
}
registerEnumType(TicketPriority, {
  name: 'TicketPriority',
  description: 'How urgent a support ticket is.',
  valuesConfig: {
    LOW: { description: 'Whenever there is time.' },
    NORMAL: { description: 'In the usual order.' },
    HIGH: { description: 'Before normal tickets.' },
    URGENT: { description: 'Now: the customer is blocked.' },
  },
});

/** Who placed a support call. */
export enum CallDirection {
  INBOUND = 'INBOUND',
  OUTBOUND = 'OUTBOUND',
}
registerEnumType(CallDirection, {
  name: 'CallDirection',
  description: 'Who placed a support call.',
  valuesConfig: {
    INBOUND: { description: 'The customer called support.' },
    OUTBOUND: { description: 'Support called the customer.' },
  },
});

@ObjectType({ description: 'A support ticket the customer raised.' })
export class Ticket {
  @Field(() => ID, { description: "The help desk's ticket number." })
  id!: string;

  @Field({ description: 'The subject line of the ticket.' })
  subject!: string;

  @Field(() => TicketStatus, { description: 'Where the ticket stands.' })
  status!: TicketStatus;

  @Field(() => TicketPriority, { description: 'How urgent the ticket is.' })
  priority!: TicketPriority;

  @Field(() => Date, { description: 'When the ticket was opened.' })
  openedAt!: Date;

  @Field(() => Date, { description: 'When the ticket last changed.' })
  updatedAt!: Date;

  @Field(() => Date, { nullable: true, description: 'When the ticket was solved; null while it is not.' })
  solvedAt!: Date | null;
}

@ObjectType({ description: 'A phone call between the customer and support.' })
export class Call {
  @Field(() => ID, { description: "The phone system's call id." })
  id!: string;

  @Field(() => Date, { description: 'When the call started.' })
  startedAt!: Date;

  @Field({ description: 'The customer-side number, as the phone system logged it.' })
  callerNumber!: string;

  @Field(() => Int, { description: 'How long the call lasted, in seconds.' })
  durationSeconds!: number;

  @Field(() => CallDirection, { description: 'Who placed the call.' })
  direction!: CallDirection;

  @Field({ description: 'The support agent on the call.' })
  agent!: string;
}

@ObjectType({ description: 'The customer in the help desk: tickets and calls.' })
export class SupportProfile {
  @Field(() => ID, { description: 'The e-mail the help desk knows the customer by, in lower case.' })
  email!: string;

  @Field(() => Int, { description: 'How many tickets are still open: status NEW, OPEN or PENDING.' })
  openTickets!: number;

  @Field(() => Date, { nullable: true, description: 'When the most recent call started; null when there is none.' })
  lastCallAt!: Date | null;

  @Field(() => Freshness, {
    description: 'When this requester was fetched from the help desk, and whether it is stale.',
  })
  freshness!: Freshness;

  // Resolved by SupportProfileResolver (arguments `status` and `last`).
  allTickets!: Ticket[];

  // Resolved by SupportProfileResolver (argument `last`).
  allCalls!: Call[];
}
