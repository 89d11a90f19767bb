import { IdentityRepository } from '../../../store';
import { startTestHub, type TestHub } from '../../helpers/hub';
import { countByCollection, recordCommands } from '../../helpers/store-commands';

const WHO = /* GraphQL */ `
  query Who($phone: String!) {
    customerByPhone(phone: $phone) {
      id
    }
  }
`;

describe('who is calling, held in the hub’s memory', () => {
  let t: TestHub;
  let clock = new Date('2026-12-04T10:00:00.000Z');
  beforeAll(async () => {
    // The response cache off: every request executes, as one with Cache-Control: no-cache does.
    t = await startTestHub({ scale: 20, now: () => clock, responseCache: { maxEntries: 0 } });
  });
  afterAll(() => t.close());

  const who = async (phone: string) =>
    (await t.query<{ customerByPhone: { id: string } | null }>(WHO, { phone })).data?.customerByPhone?.id ?? null;
  const identityFinds = (commands: ReturnType<ReturnType<typeof recordCommands>['take']>) =>
    countByCollection(commands)['find customers'] ?? 0;

  it('asks the store once for a repeat caller, again after its own sync, and sees another process’s sync within a second', async () => {
    const map = new IdentityRepository(t.hub.store.db);
    const [someone] = (await map.page(1, null)).items;
    const phone = someone.phones[0];
    const commands = recordCommands(t.hub.store.client);
    try {
      expect(await who(phone)).toBe(someone._id);
      expect(identityFinds(commands.take())).toBe(1);
      expect(await who(phone)).toBe(someone._id);
      expect(identityFinds(commands.take())).toBe(0);

      // This hub's own sync: the next look-up reads the new map at once.
      await t.hub.syncIdentities();
      commands.take();
      expect(await who(phone)).toBe(someone._id);
      expect(identityFinds(commands.take())).toBe(1);

      // Another process writes the next generation, in which the phone is someone else's.
      const { syncedAt: _syncedAt, ...identity } = someone;
      await map.replaceAll([{ ...identity, _id: 'cus_elsewhere' }], new Date());
      clock = new Date(clock.getTime() + 999);
      expect(await who(phone)).toBe(someone._id);
      clock = new Date(clock.getTime() + 1);
      expect(await who(phone)).toBe('cus_elsewhere');
    } finally {
      commands.stop();
    }
  });
});
