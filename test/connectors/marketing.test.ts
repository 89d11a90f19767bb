import axios from 'axios';
import { marketingConnector } from '../../connectors';
import type { Subscriber } from '../../silos';
import { siloRequestCount } from '../helpers/connector-silo';
import { defineConnectorSuite } from '../helpers/connector-suite';

const suite = defineConnectorSuite({
  factory: marketingConnector(),
  keysOf: (world) => (world.marketing ?? []).map((subscriber) => subscriber.id),
  keyField: 'subscriberId',
  unknownKey: 'sub_0000000000',
  withSilos: ['marketing'],
});

describe('the marketing connector, declared in connectors/marketing/marketing.yaml', () => {
  const subscribers = () => suite.world.marketing ?? [];
  const find = (keep: (subscriber: Subscriber) => boolean, what: string) => {
    const found = subscribers().find(keep);
    if (!found) throw new TypeError(`The world has no subscriber ${what}`);
    return found;
  };
  /** The records as the marketing silo itself answers them. */
  const fromSilo = async (ids: string[]) =>
    (await axios.post<{ subscribers: Subscriber[] }>(`${suite.url}/subscribers/batch`, { subscriberIds: ids })).data
      .subscribers;

  it('maps a subscriber to the graph: trimmed lower-case e-mail, consent as an enum value, times as DateTimes', async () => {
    const subscriber = find(
      (s) => s.email !== s.email.trim().toLowerCase() && s.campaigns.some((c) => c.opened),
      'with a raw e-mail and an open',
    );
    const [profile] = await suite.profiles(
      [subscriber.id],
      /* GraphQL */ `
        {
          subscriberId
          email
          phone
          name
          signedUpAt
          consent {
            state
            changedAt
          }
          campaigns {
            campaignId
            name
            sentAt
            opened
            openedAt
            clicks
          }
        }
      `,
    );
    expect(profile).toEqual({
      subscriberId: subscriber.id,
      email: subscriber.email.trim().toLowerCase(),
      phone: subscriber.phone,
      name: subscriber.name,
      signedUpAt: subscriber.createdAt,
      consent: { state: subscriber.consent.state.toUpperCase(), changedAt: subscriber.consent.changedAt },
      campaigns: subscriber.campaigns,
    });
  });

  it('answers a key asked for twice in both places, from one upstream request', async () => {
    const [a, b] = subscribers();
    const before = await siloRequestCount(suite.url);
    const profiles = await suite.profiles<{ subscriberId: string }>([a.id, b.id, a.id], '{ subscriberId }');
    expect(await siloRequestCount(suite.url)).toBe(before + 1);
    expect(profiles.map((profile) => profile?.subscriberId)).toEqual([a.id, b.id, a.id]);
  });

  it("gives figures that agree with the silo's own records", async () => {
    const ids = subscribers()
      .slice(0, 40)
      .map((subscriber) => subscriber.id);
    const figures = await suite.connector.summarize(ids);
    const expected = (await fromSilo(ids)).map((record) => {
      let opens = 0;
      let clicks = 0;
      let lastOpen: string | null = null;
      for (const send of record.campaigns) {
        if (send.opened) opens += 1;
        clicks += send.clicks;
        if (send.openedAt !== null && (lastOpen === null || send.openedAt > lastOpen)) lastOpen = send.openedAt;
      }
      return [
        record.id,
        {
          campaignsSent: record.campaigns.length,
          opens,
          clicks,
          lastOpenedAt: lastOpen === null ? null : new Date(lastOpen),
          consentState: record.consent.state.toUpperCase(),
        },
      ] as const;
    });
    expect(figures).toEqual(new Map(expected));
  });

  it('gives two subscribers of the seeded world the figures written out here', async () => {
    // Read off the silo once (seed 7, scale 200) and written by hand: a subscriber who opened
    // three of four campaigns and clicked twice, and one who unsubscribed before any send.
    const figures = await suite.connector.summarize(['sub_76f20bc713', 'sub_5c2e18e034']);
    expect(Object.fromEntries(figures)).toEqual({
      sub_76f20bc713: {
        campaignsSent: 4,
        opens: 3,
        clicks: 2,
        lastOpenedAt: new Date('2026-03-14T16:20:20.000Z'),
        consentState: 'SUBSCRIBED',
      },
      sub_5c2e18e034: { campaignsSent: 0, opens: 0, clicks: 0, lastOpenedAt: null, consentState: 'UNSUBSCRIBED' },
    });
  });

  it('shows in the graph what its figures count', async () => {
    const subscriber = find((s) => s.campaigns.length > 2, 'with three sends');
    const [profile] = await suite.profiles<{ campaigns: Array<{ opened: boolean }> }>(
      [subscriber.id],
      '{ campaigns { opened } }',
    );
    const figures = (await suite.connector.summarize([subscriber.id])).get(subscriber.id)!;
    expect(figures.campaignsSent).toBe(profile!.campaigns.length);
    expect(figures.opens).toBe(profile!.campaigns.filter((send) => send.opened).length);
  });
});
