import { generateWorld, type Requester, type RunningSilos, type World } from '../../silos';
import { getJson, postJson, q, startOnFreePorts, type ErrorAnswer } from './http';

type Summary = Pick<Requester, 'email' | 'displayName' | 'phone'>;

const world: World = generateWorld({ seed: 34, scale: 300 });
let silos: RunningSilos;
let url: string;

beforeAll(async () => {
  silos = await startOnFreePorts(world, ['support']);
  url = silos.urls.support;
});
afterAll(() => silos.close());

describe('the support silo over HTTP', () => {
  it('walks every requester exactly once, in e-mail order, following next', async () => {
    const seen: string[] = [];
    let next: string | null = null;
    do {
      const query: string = next === null ? '' : `&cursor=${q(next)}`;
      const { body } = await getJson<{ requesters: Summary[]; next: string | null }>(
        `${url}/requesters?limit=13${query}`,
      );
      seen.push(...body.requesters.map((r) => r.email));
      next = body.next;
    } while (next !== null);
    expect(seen).toEqual(world.support.map((r) => r.email).sort());
  });

  it('reads requesters in a batch, matching e-mails in any case and with spaces', async () => {
    const [a, b] = world.support;
    const { body } = await postJson<{ requesters: Requester[] }>(`${url}/requesters/batch`, {
      emails: [a.email.toUpperCase(), ` ${b.email} `, 'nobody@example.invalid'],
    });
    expect(body.requesters).toEqual([a, b]);
  });

  it('refuses a batch of more than 1,000 e-mails with 400', async () => {
    const emails = Array.from({ length: 1001 }, (_, i) => `user${i}@example.com`);
    const { status, body } = await postJson<ErrorAnswer>(`${url}/requesters/batch`, { emails });
    expect(status).toBe(400);
    expect(body.error.code).toBe('BAD_REQUEST');
  });

  it('finds a requester by the caller id of their call and by e-mail in another case', async () => {
    const requester = world.support.find((r) => r.phone !== null && r.calls.length > 0)!;
    const byPhone = await getJson<{ requesters: Summary[] }>(
      `${url}/requesters/search?phone=${q(requester.calls[0].callerNumber)}`,
    );
    const byEmail = await getJson<{ requesters: Summary[] }>(
      `${url}/requesters/search?email=${q(requester.email.toUpperCase())}`,
    );
    expect(byPhone.body.requesters).toEqual([
      { email: requester.email, displayName: requester.displayName, phone: requester.phone },
    ]);
    expect(byEmail.body.requesters.map((r) => r.email)).toEqual([requester.email]);
  });
});
