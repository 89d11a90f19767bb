import type { CallRecord, RequesterRecord, TicketRecord } from './support.transport';
import {
  type Call,
  CallDirection,
  type SupportProfile,
  type Ticket,
  TicketPriority,
  TicketStatus,
} from './support.types';

const ticketStatus: Record<TicketRecord['status'], TicketStatus> = {
  new: TicketStatus.NEW,
  open: TicketStatus.OPEN,
  pending: TicketStatus.PENDING,
  solved: TicketStatus.SOLVED,
  closed: TicketStatus.CLOSED,
};

const ticketPriority: Record<TicketRecord['priority'], TicketPriority> = {
  low: TicketPriority.LOW,
  normal: TicketPriority.NORMAL,
  high: TicketPriority.HIGH,
  urgent: TicketPriority.URGENT,
};

const callDirection: Record<CallRecord['direction'], CallDirection> = {
  inbound: CallDirection.INBOUND,
  outbound: CallDirection.OUTBOUND,
};

/** The statuses in which a ticket still needs work from someone. */
const OPEN_STATUSES: ReadonlySet<TicketStatus> = new Set([TicketStatus.NEW, TicketStatus.OPEN, TicketStatus.PENDING]);

/** Whether a ticket is still open (new, open or pending): the one rule the graph and the snapshot share. */
export function isOpenTicket(ticket: Pick<Ticket, 'status'>): boolean {
  return OPEN_STATUSES.has(ticket.status);
}

function toTicket(record: TicketRecord): Ticket {
  return {
    id: String(record.id),
    subject: record.subject,
    status: ticketStatus[record.status],
    priority: ticketPriority[record.priority],
    openedAt: new Date(record.createdAt),
    updatedAt: new Date(record.updatedAt),
    solvedAt: record.solvedAt === null ? null : new Date(record.solvedAt),
  };
}

function toCall(record: CallRecord): Call {
  return {
    id: record.id,
    startedAt: new Date(record.startedAt),
    callerNumber: record.callerNumber,
    durationSeconds: record.durationSec,
    direction: callDirection[record.direction],
    agent: record.agent,
  };
}

/** Maps the help desk's requester record to the graph's `SupportProfile`. */
export function toSupportProfile(record: RequesterRecord): Omit<SupportProfile, 'freshness'> {
  const tickets = record.tickets.map(toTicket);
  const calls = record.calls.map(toCall);
  return {
    email: record.email.trim().toLowerCase(),
    openTickets: tickets.filter(isOpenTicket).length,
    lastCallAt: calls.at(-1)?.startedAt ?? null,
    allTickets: tickets,
    allCalls: calls,
  };
}
