// Public API of the support connector: its factory.
import { defineConnector } from '../kit';
import { SUPPORT_FIGURES } from './support.figures';
import { toSupportProfile } from './support.mapper';
import { SupportProfileResolver } from './support.resolver';
import { createSupportTransport, supportKey } from './support.transport';
import { SupportProfile } from './support.types';

/** The support department: tickets and calls, keyed by e-mail (matched case-insensitively). */
export const supportConnector = defineConnector({
  name: 'support',
  description: 'Support: tickets and calls, keyed by e-mail (matched case-insensitively).',
  key: { name: 'e-mail', normalize: supportKey },
  graph: {
    type: SupportProfile,
    description: 'The customer in the help desk; null when support has no requester for them.',
    from: toSupportProfile,
    example: /* GraphQL */ `
      {
        openTickets
        tickets(status: OPEN) {
          id
          subject
          priority
          openedAt
        }
      }
    `,
    resolvers: [SupportProfileResolver],
  },
  transport: ({ config }) => createSupportTransport(config),
  figures: SUPPORT_FIGURES,
});
