import { supportConnector } from '../../connectors';
import { defineConnectorSuite, errorSummaries, mergeQuery } from '../helpers/connector-suite';
import { siloRequestCount } from '../helpers/connector-silo';

const suite = defineConnectorSuite({
  factory: supportConnector,
  keysOf: (world) => world.support.map((requester) => requester.email),
  keyField: 'email',
  unknownKey: 'nobody@example.invalid',
});

describe('the support connector', () => {
  const requesterWith = (minTickets: number, minCalls = 1) => {
    const requester = suite.world.support.find((r) => r.tickets.length >= minTickets && r.calls.length >= minCalls);
    if (!requester) throw new TypeError(`The world has no requester with ${minTickets} tickets and ${minCalls} calls`);
    return requester;
  };

  it('matches e-mail keys in any case and with stray spaces, in one request', async () => {
    const { email } = suite.world.support[5];
    const before = await siloRequestCount(suite.url);
    const profiles = await suite.profiles<{ email: string }>([email.toUpperCase(), `  ${email} `, email], '{ email }');
    const after = await siloRequestCount(suite.url);
    expect(profiles).toEqual([{ email }, { email }, { email }]);
    expect(after - before).toBe(1);
  });

  it('maps tickets and calls to the graph, with statuses, priorities and directions as enum values', async () => {
    const requester = requesterWith(2, 2);
    const [profile] = await suite.profiles(
      [requester.email],
      /* GraphQL */ `
        {
          openTickets
          lastCallAt
          tickets {
            id
            subject
            status
            priority
            openedAt
            updatedAt
            solvedAt
          }
          calls {
            id
            startedAt
            callerNumber
            durationSeconds
            direction
            agent
          }
        }
      `,
    );
    const iso = (time: string | null) => (time === null ? null : new Date(time).toISOString());
    expect(profile).toEqual({
      openTickets: requester.tickets.filter((t) => ['new', 'open', 'pending'].includes(t.status)).length,
      lastCallAt: iso(requester.calls.at(-1)!.startedAt),
      tickets: requester.tickets.map((t) => ({
        id: String(t.id),
        subject: t.subject,
        status: t.status.toUpperCase(),
        priority: t.priority.toUpperCase(),
        openedAt: iso(t.createdAt),
        updatedAt: iso(t.updatedAt),
        solvedAt: iso(t.solvedAt),
      })),
      calls: requester.calls.map((c) => ({
        id: c.id,
        startedAt: iso(c.startedAt),
        callerNumber: c.callerNumber,
        durationSeconds: c.durationSec,
        direction: c.direction.toUpperCase(),
        agent: c.agent,
      })),
    });
  });

  it('filters tickets by status and returns the last N tickets and calls oldest first', async () => {
    const requester = requesterWith(3, 2);
    const status = requester.tickets[0].status;
    const [profile] = await suite.profiles<Record<'byStatus' | 'last2' | 'calls', { id: string }[]>>(
      [requester.email],
      `{ byStatus: tickets(status: ${status.toUpperCase()}) { id } last2: tickets(last: 2) { id } calls(last: 1) { id } }`,
    );
    const ids = (items: { id: string | number }[]) => items.map((item) => String(item.id));
    expect(ids(profile!.byStatus)).toEqual(ids(requester.tickets.filter((t) => t.status === status)));
    expect(ids(profile!.last2)).toEqual(ids(requester.tickets.slice(-2)));
    expect(ids(profile!.calls)).toEqual(ids(requester.calls.slice(-1)));
  });

  it('rejects a negative last with BAD_USER_INPUT', async () => {
    const result = await suite.execute(mergeQuery(suite.connector, '{ calls(last: -1) { id } }'), {
      keys: [requesterWith(0).email],
    });
    expect(errorSummaries(result.errors)).toEqual([
      { code: 'BAD_USER_INPUT', connector: undefined, path: ['supportCustomers', 0, 'support', 'calls'] },
    ]);
  });
});
