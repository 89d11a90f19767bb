import type { FigureDeclaration } from '../kit';
import { isOpenTicket } from './support.mapper';
import { TicketPriority, type SupportProfile } from './support.types';

/** What support contributes to the customer-360 snapshot, read from the graph's `SupportProfile`. */
export const SUPPORT_FIGURES: ReadonlyArray<FigureDeclaration<SupportProfile>> = [
  {
    name: 'openTickets',
    type: 'Int',
    description: 'Tickets still open: new, open or pending.',
    of: (profile) => profile.openTickets,
  },
  {
    name: 'urgentOpenTickets',
    type: 'Int',
    description: 'Open tickets of urgent priority.',
    of: (profile) =>
      profile.allTickets.filter((ticket) => isOpenTicket(ticket) && ticket.priority === TicketPriority.URGENT).length,
  },
  {
    name: 'lastTicketAt',
    type: 'DateTime',
    description: 'When the most recent ticket was opened.',
    of: (profile) => profile.allTickets.at(-1)?.openedAt ?? null,
  },
  {
    name: 'calls',
    type: 'Int',
    description: 'How many calls support logged with the customer.',
    of: (profile) => profile.allCalls.length,
  },
];
