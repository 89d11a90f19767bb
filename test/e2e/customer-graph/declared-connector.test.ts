import type { Person } from '../../../silos';
import { startTestHub, type TestHub } from '../../helpers/hub';

describe('a hub with the four built-in connectors and the declared marketing connector', () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub({
      scale: 120,
      // Only configuration: connectors.marketing.url for the started system. The hub finds the
      // connector in connectors/marketing, which reads its declaration file.
      withSilos: ['marketing'],
    });
  });
  afterAll(() => t.close());

  const subscriberBy = (id: string) => t.silos.world.marketing!.find((subscriber) => subscriber.id === id)!;
  const personWith = (keep: (person: Person) => boolean, what: string) => {
    const person = t.silos.world.people.find(keep);
    if (!person) throw new TypeError(`The world has no person ${what}`);
    return person;
  };

  it('answers customer { marketing } for a person the ground truth says subscribed, linked to their subscriber id', async () => {
    const person = personWith((p) => p.keys.marketing !== undefined && p.hardCase === null, 'who subscribed');
    const result = await t.query<{
      customerByEmail: { links: Array<{ system: string; key: string }>; marketing: Record<string, unknown> | null };
    }>(
      /* GraphQL */ `
        query ($email: String!) {
          customerByEmail(email: $email) {
            links {
              system
              key
            }
            marketing {
              subscriberId
              consent {
                state
              }
            }
          }
        }
      `,
      { email: person.email },
    );
    expect(result.errors).toBeUndefined();
    const customer = result.data!.customerByEmail;
    expect(customer.links).toContainEqual({ system: 'marketing', key: person.keys.marketing });
    expect(customer.marketing).toEqual({
      subscriberId: person.keys.marketing,
      consent: { state: subscriberBy(person.keys.marketing!).consent.state.toUpperCase() },
    });
  });

  it('links every subscribing person to their subscriber id, by the e-mails and phones its directory lists', async () => {
    const subscribing = t.silos.world.people.filter((person) => person.keys.marketing !== undefined);
    const answers = await Promise.all(
      subscribing.map((person) =>
        t.query<{ customerByPhone: { links: Array<{ system: string; key: string }> } | null }>(
          /* GraphQL */ `
            query ($phone: String!) {
              customerByPhone(phone: $phone) {
                links {
                  system
                  key
                }
              }
            }
          `,
          { phone: person.phone },
        ),
      ),
    );
    const linked = answers.map(
      (answer) => answer.data?.customerByPhone?.links.find((link) => link.system === 'marketing')?.key ?? null,
    );
    expect(linked).toEqual(subscribing.map((person) => person.keys.marketing));
  });

  it('filters customers by a marketing figure exactly as the marketing records say', async () => {
    await t.hub.buildSnapshots();
    const result = await t.query<{
      customers: { totalCount: number; edges: Array<{ node: { links: Array<{ system: string; key: string }> } }> };
    }>(/* GraphQL */ `
      {
        customers(filter: { marketing: { opens: { gte: 3 }, consentState: { eq: "SUBSCRIBED" } } }, first: 500) {
          totalCount
          edges {
            node {
              links {
                system
                key
              }
            }
          }
        }
      }
    `);
    expect(result.errors).toBeUndefined();
    const keys = result.data!.customers.edges.map(
      (edge) => edge.node.links.find((link) => link.system === 'marketing')?.key,
    );
    const expected = t.silos.world
      .marketing!.filter(
        (subscriber) =>
          subscriber.consent.state === 'subscribed' && subscriber.campaigns.filter((send) => send.opened).length >= 3,
      )
      .map((subscriber) => subscriber.id);
    expect(expected.length).toBeGreaterThan(0);
    expect(result.data!.customers.totalCount).toBe(expected.length);
    expect([...keys].sort()).toEqual([...expected].sort());
  });

  it('opens the query page on a screen pop that reads marketing too, and answers it without errors', async () => {
    const html = await (await fetch(t.hub.url, { headers: { accept: 'text/html' } })).text();
    const literal = /defaultQuery: ("(?:[^"\\]|\\.)*"),/.exec(html)?.[1];
    const query = JSON.parse(literal!) as string;
    expect(query).toContain('marketing {');
    const person = personWith((p) => p.keys.marketing !== undefined && p.keys.accounting !== undefined, 'in both');
    const result = await t.query<{ customerByPhone: { marketing: { consent: { state: string } } | null } }>(query, {
      phone: person.phone,
    });
    expect(result.errors).toBeUndefined();
    expect(result.data!.customerByPhone.marketing?.consent.state).toBe(
      subscriberBy(person.keys.marketing!).consent.state.toUpperCase(),
    );
  });
});
