import { generateWorld, type Profile, type RunningSilos, type World } from '../../silos';
import { getJson, postJson, q, startOnFreePorts, type ErrorAnswer } from './http';

type Summary = Pick<Profile, 'taxNumber' | 'legalName' | 'contact'>;
interface Page {
  results: Summary[];
  offset: number;
  limit: number;
  total: number;
}

const world: World = generateWorld({ seed: 33, scale: 300 });
let silos: RunningSilos;
let url: string;

beforeAll(async () => {
  silos = await startOnFreePorts(world, ['credit']);
  url = silos.urls.credit;
});
afterAll(() => silos.close());

describe('the credit silo over HTTP', () => {
  it('walks every profile exactly once by offset', async () => {
    const seen: string[] = [];
    for (let offset = 0; offset < world.credit.length; offset += 11) {
      const { body } = await getJson<Page>(`${url}/profiles?offset=${offset}&limit=11`);
      expect(body).toMatchObject({ offset, limit: 11, total: world.credit.length });
      seen.push(...body.results.map((p) => p.taxNumber));
    }
    expect(seen).toEqual(world.credit.map((p) => p.taxNumber).sort());
    const [first] = (await getJson<Page>(`${url}/profiles?limit=1`)).body.results;
    expect(Object.keys(first).sort()).toEqual(['contact', 'legalName', 'taxNumber']);
  });

  it('looks profiles up by tax number, dashed or digits only, leaving out unknown ones', async () => {
    const [a, b] = world.credit;
    const { body } = await postJson<{ results: Profile[] }>(`${url}/profiles/lookup`, {
      taxNumbers: [a.taxNumber, '00-0000000', b.taxNumber.replace('-', '')],
    });
    expect(body.results).toEqual([a, b]);
  });

  it('refuses a lookup of more than 1,000 tax numbers, or without the taxNumbers field, with 400', async () => {
    const taxNumbers = Array.from({ length: 1001 }, (_, i) => `10-${String(i).padStart(7, '0')}`);
    const tooMany = await postJson<ErrorAnswer>(`${url}/profiles/lookup`, { taxNumbers });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error.code).toBe('BAD_REQUEST');
    expect((await postJson(`${url}/profiles/lookup`, { keys: [] })).status).toBe(400);
  });

  it('finds a profile by phone in E.164 and by e-mail in lower case', async () => {
    const person = world.people.find((p) => p.keys.credit && p.hardCase === null)!;
    const byPhone = await getJson<{ results: Summary[] }>(`${url}/profiles/search?phone=${q(person.phone)}`);
    const byEmail = await getJson<{ results: Summary[] }>(`${url}/profiles/search?email=${q(person.email)}`);
    expect(byPhone.body.results.map((p) => p.taxNumber)).toEqual([person.keys.credit]);
    expect(byEmail.body.results.map((p) => p.taxNumber)).toEqual([person.keys.credit]);
  });
});
