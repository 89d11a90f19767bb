import { generateWorld, type Account, type RunningSilos, type World } from '../../silos';
import { getJson, postJson, q, startOnFreePorts, type ErrorAnswer } from './http';

type Summary = Pick<Account, 'accountNumber' | 'name' | 'email' | 'phone' | 'taxId'>;

const world: World = generateWorld({ seed: 31, scale: 300 });
let silos: RunningSilos;
let url: string;

beforeAll(async () => {
  silos = await startOnFreePorts(world, ['accounting']);
  url = silos.urls.accounting;
});
afterAll(() => silos.close());

describe('the accounting silo over HTTP', () => {
  it('walks every account exactly once, in account-number order, following nextCursor', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor === null ? '' : `&cursor=${q(cursor)}`;
      const { status, body } = await getJson<{ items: Summary[]; nextCursor: string | null }>(
        `${url}/accounts?limit=7${query}`,
      );
      expect(status).toBe(200);
      expect(body.items.length).toBeLessThanOrEqual(7);
      seen.push(...body.items.map((item) => item.accountNumber));
      cursor = body.nextCursor;
    } while (cursor !== null);
    expect(seen).toEqual(world.accounting.map((a) => a.accountNumber).sort());
  });

  it('lists summaries only in the directory', async () => {
    const { body } = await getJson<{ items: Summary[] }>(`${url}/accounts?limit=1`);
    expect(Object.keys(body.items[0]).sort()).toEqual(['accountNumber', 'email', 'name', 'phone', 'taxId']);
  });

  it('answers a cursor it never issued with 400', async () => {
    const { status, body } = await getJson<ErrorAnswer>(`${url}/accounts?cursor=not-a-cursor`);
    expect(status).toBe(400);
    expect(body.error.code).toBe('BAD_REQUEST');
  });

  it('reads accounts in a batch and reports the numbers it did not find', async () => {
    const [a, b] = world.accounting;
    const { status, body } = await postJson<{ accounts: Account[]; missing: string[] }>(`${url}/accounts/batch`, {
      accountNumbers: [a.accountNumber, 'AC-9999999', b.accountNumber, a.accountNumber],
    });
    expect(status).toBe(200);
    expect(body.accounts).toEqual([a, b]);
    expect(body.missing).toEqual(['AC-9999999']);
  });

  it('refuses a batch of more than 1,000 keys with 400', async () => {
    const accountNumbers = Array.from({ length: 1001 }, (_, i) => `AC-${String(i).padStart(7, '0')}`);
    const { status, body } = await postJson<ErrorAnswer>(`${url}/accounts/batch`, { accountNumbers });
    expect(status).toBe(400);
    expect(body.error).toEqual({ code: 'BAD_REQUEST', message: expect.stringContaining('1000') });
  });

  it('finds an account by phone in another format and by e-mail in another case', async () => {
    const person = world.people.find((p) => p.keys.accounting && p.hardCase === null)!;
    const digits = person.phone.slice(2);
    const byPhone = await getJson<{ accounts: Summary[] }>(
      `${url}/accounts/search?phone=${q(`${digits.slice(0, 3)}.${digits.slice(3, 6)}.${digits.slice(6)}`)}`,
    );
    const byEmail = await getJson<{ accounts: Summary[] }>(
      `${url}/accounts/search?email=${q(`  ${person.email.toUpperCase()} `)}`,
    );
    expect(byPhone.body.accounts.map((a) => a.accountNumber)).toEqual([person.keys.accounting]);
    expect(byEmail.body.accounts.map((a) => a.accountNumber)).toEqual([person.keys.accounting]);
  });

  it('answers a search with neither or both parameters, or a short phone, with 400', async () => {
    for (const query of ['', '?phone=4155550132&email=a@b.c', '?phone=555-0132']) {
      const { status } = await getJson(`${url}/accounts/search${query}`);
      expect(status).toBe(400);
    }
  });

  it('reads one account, and answers 404 for an unknown number', async () => {
    const account = world.accounting[5];
    expect((await getJson(`${url}/accounts/${account.accountNumber}`)).body).toEqual(account);
    const missing = await getJson<ErrorAnswer>(`${url}/accounts/AC-0000000`);
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('NOT_FOUND');
  });
});
