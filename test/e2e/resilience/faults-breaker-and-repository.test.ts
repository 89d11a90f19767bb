import { RECORDS_COLLECTION, recordId } from '../../../gateway/runtime/record-store';
import type { Person, Profile } from '../../../silos';
import {
  asScreenPopCredit,
  everywhere,
  internalText,
  listErrors,
  publicErrors,
  screenPopError,
  startFaultHub,
  type FaultHub,
} from '../../helpers/fault-hub';
import type { Fault } from '../../helpers/misbehaving-system';
import { onlyDateFaked } from '../../helpers/fake-date';

const unavailable503: Fault = { kind: 'json', status: 503, body: { error: 'maintenance' } };
const noRetries = { maxAttempts: 1, baseDelayMs: 0, maxDelayMs: 1_000, budgetPercent: 20 };

// cockatiel's breaker reads Date.now(): the test moves only Date past the breaker's reset time.

describe("the credit system's breaker, seen through GraphQL", () => {
  const breaker = { failureRate: 0.5, windowSeconds: 10, minimumRequests: 4, resetSeconds: 5 };
  const OPEN = 'The credit system is unavailable: its circuit breaker is open after repeated failures';
  let f: FaultHub;
  let caller: Person;

  beforeAll(async () => {
    f = await startFaultHub({
      cache: false,
      // No retries: every read is one call through the breaker and one request to the system.
      connectors: { credit: { retry: noRetries, breaker } },
    });
    caller = everywhere(f.t)[0];
  });
  beforeEach(() => jest.useFakeTimers(onlyDateFaked(Date.now())));
  afterEach(async () => {
    jest.useRealTimers();
    await f.behave();
  });
  afterAll(() => f.close());

  it('opens after a burst of 5xx, refuses reads without asking the system, and closes after a good half-open probe', async () => {
    const truth = asScreenPopCredit((await f.truth([caller.keys.credit!])).get(caller.keys.credit!)!);
    f.misbehave(unavailable503);
    for (let i = 0; i < breaker.minimumRequests; i += 1) {
      const burst = await f.screenPop(caller.phone);
      expect([burst.status, burst.reached]).toEqual([200, 1]);
      expect(publicErrors(burst.body)).toEqual([
        screenPopError('UPSTREAM_UNAVAILABLE', 'The credit system is unavailable: it answered HTTP 503'),
      ]);
    }

    // Open: the system is back, but nobody asks it until the reset time has passed.
    await f.behave();
    const refused = await f.screenPop(caller.phone);
    expect([refused.status, refused.reached, refused.body.data!.customerByPhone.credit]).toEqual([200, 0, null]);
    expect(refused.body.data!.customerByPhone.accounting).not.toBeNull();
    expect(publicErrors(refused.body)).toEqual([screenPopError('UPSTREAM_UNAVAILABLE', OPEN, { breaker: 'open' })]);
    const refusedList = await f.creditList();
    expect([refusedList.status, refusedList.reached]).toEqual([200, 0]);
    expect(publicErrors(refusedList.body)).toEqual(listErrors('UPSTREAM_UNAVAILABLE', OPEN, { breaker: 'open' }));
    expect(internalText(refusedList.body, f.system)).toEqual([]);

    // A failed probe opens it again for another reset time.
    jest.advanceTimersByTime(breaker.resetSeconds * 1000);
    f.misbehave(unavailable503);
    expect((await f.screenPop(caller.phone)).reached).toBe(1);
    await f.behave();
    expect((await f.screenPop(caller.phone)).reached).toBe(0);

    // A good probe closes it: the probe and every read after it reach the system.
    jest.advanceTimersByTime(breaker.resetSeconds * 1000);
    const probe = await f.screenPop(caller.phone);
    expect([probe.status, probe.body.errors, probe.reached]).toEqual([200, undefined, 1]);
    expect(probe.body.data!.customerByPhone.credit).toEqual(truth);
    const list = await f.creditList();
    expect([list.status, list.body.errors, list.reached]).toEqual([200, undefined, 1]);
    expect(list.body.data!.customers.nodes.map((node) => node.credit === null)).toEqual([false, true, false]);
  });
});

describe('the repository while the credit system fails or sends records nobody asked for', () => {
  let f: FaultHub;
  let clock = Date.parse('2030-01-01T00:00:00Z');
  let people: { caller: Person; victim: Person; stale: Person };
  const cached = (taxNumber: string) =>
    f.t.hub.store.db.collection<{ _id: string }>(RECORDS_COLLECTION).findOne({ _id: recordId('credit', taxNumber) });

  beforeAll(async () => {
    f = await startFaultHub({
      cache: true,
      now: () => new Date(clock),
      connectors: {
        credit: {
          retry: noRetries,
          breaker: { failureRate: 0.8, windowSeconds: 10, minimumRequests: 1_000, resetSeconds: 10 },
        },
      },
    });
    // Only ids: nothing of any department is read, so nothing is cached yet.
    const page = await f.t.query<{ customers: { nodes: Array<{ id: string }> } }>(/* GraphQL */ `
      {
        customers(first: 3) {
          nodes {
            id
          }
        }
      }
    `);
    const listed = new Set(page.data!.customers.nodes.map((node) => node.id));
    expect(listed.size).toBe(3);
    const idOf = async (person: Person) =>
      (
        await f.t.query<{ customerByPhone: { id: string } }>(
          /* GraphQL */ `
            query ($phone: String!) {
              customerByPhone(phone: $phone) {
                id
              }
            }
          `,
          { phone: person.phone },
        )
      ).data!.customerByPhone.id;
    // Callers not on the list's first page, so a list never warms their credit.
    const candidates = everywhere(f.t).slice(0, 6);
    const ids = await Promise.all(candidates.map(idOf));
    const [caller, victim, stale] = candidates.filter((_, i) => !listed.has(ids[i]));
    people = { caller, victim, stale };
  });
  afterEach(() => f.behave());
  afterAll(() => f.close());

  it('neither serves nor stores a record the system sent that nobody asked for', async () => {
    const { caller, victim } = people;
    const truth = await f.truth([caller.keys.credit!, victim.keys.credit!]);
    clock += 61_000; // whatever an earlier test cached is past its TTL
    const forged: Profile = {
      ...truth.get(victim.keys.credit!)!,
      legalName: 'FORGED BY THE SYSTEM',
      limit: 999_999_999,
      exposure: 0,
      score: 850,
    };
    f.misbehave(async (request, body) => {
      const answer = await f.forward(request, body);
      if (answer.kind !== 'json') return answer;
      const { results } = answer.body as { results: Profile[] };
      return { ...answer, body: { results: [...results, forged] } };
    });
    const pop = await f.screenPop(caller.phone);
    expect([pop.status, pop.body.errors, pop.reached]).toEqual([200, undefined, 1]);
    expect(pop.body.data!.customerByPhone.credit).toEqual(asScreenPopCredit(truth.get(caller.keys.credit!)!));
    const list = await f.creditList();
    expect([list.status, list.body.errors, list.reached]).toEqual([200, undefined, 1]);
    expect(list.body.data!.customers.nodes.map((node) => node.credit?.legalName ?? null)).not.toContain(
      forged.legalName,
    );
    await f.t.hub.settle();
    expect(await cached(caller.keys.credit!)).not.toBeNull();
    expect(await cached(victim.keys.credit!)).toBeNull();

    // The system behaves again: the victim's credit comes from it, not from a forged copy.
    await f.behave();
    const victimPop = await f.screenPop(victim.phone);
    expect([victimPop.status, victimPop.body.errors, victimPop.reached]).toEqual([200, undefined, 1]);
    expect(victimPop.body.data!.customerByPhone.credit).toEqual(asScreenPopCredit(truth.get(victim.keys.credit!)!));
  });

  it('serves the last known copy marked stale when the system fails, screen pop and list alike', async () => {
    const { stale } = people;
    clock += 61_000; // whatever an earlier test cached is past its TTL
    const warmedAt = new Date(clock);
    const truth = await f.truth([stale.keys.credit!]);
    const warm = await f.screenPop(stale.phone);
    const warmList = await f.creditList();
    expect([warm.reached, warmList.reached]).toEqual([1, 1]);
    await f.t.hub.settle();
    clock += 61_000;

    f.misbehave(unavailable503);
    const pop = await f.screenPop(stale.phone);
    expect([pop.status, pop.body.errors, pop.reached]).toEqual([200, undefined, 1]);
    expect(pop.body.data!.customerByPhone).toEqual(warm.body.data!.customerByPhone);
    expect(pop.body.data!.customerByPhone.credit).toEqual(asScreenPopCredit(truth.get(stale.keys.credit!)!));
    const staleMark = (records: number) => ({
      stale: [{ connector: 'credit', records, oldestFetchedAt: warmedAt.toISOString() }],
    });
    expect(pop.body.extensions).toEqual({ freshness: staleMark(1) });

    const list = await f.creditList();
    expect([list.status, list.body.errors, list.reached]).toEqual([200, undefined, 1]);
    expect(list.body.data).toEqual(warmList.body.data);
    expect(list.body.data!.customers.nodes.map((node) => node.credit === null)).toEqual([false, true, false]);
    expect(list.body.extensions).toEqual({ freshness: staleMark(2) });
  });
});
