import type { FigureDefinition, FigureValues } from '../kit';
import type { RequesterRecord } from './support.transport';

const OPEN_STATUSES = new Set(['new', 'open', 'pending']);

/** What support contributes to the customer-360 snapshot. */
export const SUPPORT_FIGURES: readonly FigureDefinition[] = [
  { name: 'openTickets', type: 'Int', description: 'Tickets still open: new, open or pending.' },
  { name: 'urgentOpenTickets', type: 'Int', description: 'Open tickets of urgent priority.' },
  { name: 'lastTicketAt', type: 'DateTime', description: 'When the most recent ticket was opened.' },
  { name: 'calls', type: 'Int', description: 'How many calls support logged with the customer.' },
];

/** One requester's figures. */
export function summarizeRequester(requester: RequesterRecord): FigureValues {
  const open = requester.tickets.filter((ticket) => OPEN_STATUSES.has(ticket.status));
  const last = requester.tickets.at(-1);
  return {
    openTickets: open.length,
    urgentOpenTickets: open.filter((ticket) => ticket.priority === 'urgent').length,
    lastTicketAt: last ? new Date(last.createdAt) : null,
    calls: requester.calls.length,
  };
}
