import { generateWorld, type Contact, type RunningSilos, type World } from '../../silos';
import { getJson, postJson, q, startOnFreePorts, type ErrorAnswer } from './http';

type Summary = Pick<Contact, 'id' | 'firstName' | 'lastName' | 'email' | 'mobile'>;
interface Page {
  data: Summary[];
  page: number;
  pageSize: number;
  total: number;
}

const world: World = generateWorld({ seed: 32, scale: 300 });
let silos: RunningSilos;
let url: string;

beforeAll(async () => {
  silos = await startOnFreePorts(world, ['sales']);
  url = silos.urls.sales;
});
afterAll(() => silos.close());

describe('the sales silo over HTTP', () => {
  it('walks every contact exactly once by page number', async () => {
    const seen: string[] = [];
    let total = Infinity;
    for (let page = 1; seen.length < total; page += 1) {
      const { body } = await getJson<Page>(`${url}/contacts?page=${page}&pageSize=9`);
      expect(body).toMatchObject({ page, pageSize: 9, total: world.sales.length });
      expect(body.data.length).toBeGreaterThan(0);
      total = body.total;
      seen.push(...body.data.map((c) => c.id));
    }
    expect(seen).toEqual(world.sales.map((c) => c.id).sort());
    expect(Object.keys((await getJson<Page>(`${url}/contacts?pageSize=1`)).body.data[0]).sort()).toEqual([
      'email',
      'firstName',
      'id',
      'lastName',
      'mobile',
    ]);
  });

  it('answers a page past the end with no data, and pageSize 1001 with 400', async () => {
    expect((await getJson<Page>(`${url}/contacts?page=999&pageSize=100`)).body.data).toEqual([]);
    expect((await getJson(`${url}/contacts?pageSize=1001`)).status).toBe(400);
  });

  it('reads contacts in a batch, leaving out unknown ids', async () => {
    const [a, b] = world.sales;
    const { body } = await postJson<{ data: Contact[] }>(`${url}/contacts/batch`, { ids: [b.id, 'c-00000000', a.id] });
    expect(body.data).toEqual([b, a]);
  });

  it('refuses a batch of more than 1,000 ids with 400', async () => {
    const ids = Array.from({ length: 1001 }, (_, i) => `c-${String(i).padStart(8, '0')}`);
    const { status, body } = await postJson<ErrorAnswer>(`${url}/contacts/batch`, { ids });
    expect(status).toBe(400);
    expect(body.error.code).toBe('BAD_REQUEST');
  });

  it('finds a contact by phone in another format and by e-mail as the rep did not type it', async () => {
    const person = world.people.find((p) => p.keys.sales && p.hardCase === null)!;
    const digits = person.phone.slice(2);
    const accountingStyle = `(${digits.slice(0, 3)}) ${digits.slice(3, 6)}-${digits.slice(6)}`;
    const byPhone = await getJson<{ data: Summary[] }>(`${url}/contacts/search?phone=${q(accountingStyle)}`);
    const byEmail = await getJson<{ data: Summary[] }>(`${url}/contacts/search?email=${q(person.email)}`);
    expect(byPhone.body.data.map((c) => c.id)).toEqual([person.keys.sales]);
    expect(byEmail.body.data.map((c) => c.id)).toEqual([person.keys.sales]);
  });
});
