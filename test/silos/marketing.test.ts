import { generateWorld, SILO_NAMES, type RunningSilos, type Subscriber, type World } from '../../silos';
import { encodeCursor } from '../../silos/common/paging';
import { getJson, postJson, q, startOnFreePorts, type ErrorAnswer } from './http';

type Summary = Pick<Subscriber, 'id' | 'email' | 'phone' | 'name' | 'consent'>;
type Page = { subscribers: Summary[]; paging: { after: string | null } };

const world: World = generateWorld({ seed: 35, scale: 300, with: ['marketing'] });
const subscribers = world.marketing!;
let silos: RunningSilos;
let url: string;

beforeAll(async () => {
  silos = await startOnFreePorts(world, ['marketing']);
  url = silos.urls.marketing;
});
afterAll(() => silos.close());

const summary = ({ id, email, phone, name, consent }: Subscriber): Summary => ({ id, email, phone, name, consent });

describe('the marketing silo over HTTP', () => {
  it('walks every subscriber exactly once, in id order, following paging.after to null', async () => {
    const seen: Summary[] = [];
    let after: string | null = null;
    let pages = 0;
    do {
      const query: string = after === null ? '' : `&after=${q(after)}`;
      const { status, body } = await getJson<Page>(`${url}/subscribers?limit=17${query}`);
      expect(status).toBe(200);
      expect(body.subscribers.length).toBeLessThanOrEqual(17);
      seen.push(...body.subscribers);
      after = body.paging.after;
      pages += 1;
    } while (after !== null);
    const ids = subscribers.map((s) => s.id).sort();
    expect(seen.map((s) => s.id)).toEqual(ids);
    expect(pages).toBe(Math.ceil(ids.length / 17));
    expect(seen[0]).toEqual(summary(subscribers.find((s) => s.id === ids[0])!));
  });

  it('lists summaries only in the directory, 100 by default', async () => {
    const { body } = await getJson<Page>(`${url}/subscribers`);
    expect(body.subscribers).toHaveLength(100);
    expect(Object.keys(body.subscribers[0]).sort()).toEqual(['consent', 'email', 'id', 'name', 'phone']);
  });

  it('answers a page after the last subscriber with an empty list and no next page', async () => {
    const { status, body } = await getJson<Page>(`${url}/subscribers?after=${q(encodeCursor('sub_ffffffffff'))}`);
    expect(status).toBe(200);
    expect(body).toEqual({ subscribers: [], paging: { after: null } });
  });

  it.each(['after=sub_0000000000', 'limit=0', 'limit=1001', 'limit=ten'])('answers ?%s with 400', async (query) => {
    const { status, body } = await getJson<ErrorAnswer>(`${url}/subscribers?${query}`);
    expect(status).toBe(400);
    expect(body.error.code).toBe('BAD_REQUEST');
  });

  it('reads subscribers in a batch, each id once, leaving unknown ids out', async () => {
    const [a, b] = subscribers;
    const { status, body } = await postJson<{ subscribers: Subscriber[] }>(`${url}/subscribers/batch`, {
      subscriberIds: [a.id, 'sub_0000000000', b.id, a.id, 'nobody'],
    });
    expect(status).toBe(200);
    expect(body.subscribers).toEqual([a, b]);
  });

  it('reads 1,000 subscribers in one batch and refuses 1,001 with 400', async () => {
    const ids = Array.from({ length: 1000 }, (_, i) => subscribers[i % subscribers.length].id);
    const ok = await postJson<{ subscribers: Subscriber[] }>(`${url}/subscribers/batch`, { subscriberIds: ids });
    expect(ok.body.subscribers).toHaveLength(Math.min(1000, subscribers.length));
    const { status, body } = await postJson<ErrorAnswer>(`${url}/subscribers/batch`, {
      subscriberIds: [...ids, 'sub_0000000001'],
    });
    expect(status).toBe(400);
    expect(body.error).toEqual({ code: 'BAD_REQUEST', message: expect.stringContaining('1000') });
  });

  it.each([
    [{}],
    [{ ids: ['sub_0000000000'] }],
    [{ subscriberIds: [''] }],
    [{ subscriberIds: ['sub_0000000000'], limit: 5 }],
  ])('refuses the batch body %j with 400', async (payload) => {
    const { status, body } = await postJson<ErrorAnswer>(`${url}/subscribers/batch`, payload);
    expect(status).toBe(400);
    expect(body.error.code).toBe('BAD_REQUEST');
  });

  it('finds a subscriber by the e-mail it wrote differently, and by phone in another format', async () => {
    const messy = subscribers.find((s) => s.email !== s.email.trim().toLowerCase() && s.phone !== null)!;
    const byEmail = await getJson<{ subscribers: Summary[] }>(
      `${url}/subscribers/search?email=${q(messy.email.trim().toLowerCase())}`,
    );
    const digits = messy.phone!.replace(/\D/g, '');
    const byPhone = await getJson<{ subscribers: Summary[] }>(
      `${url}/subscribers/search?phone=${q(`+1 (${digits.slice(0, 3)}) ${digits.slice(3, 6)}.${digits.slice(6)}`)}`,
    );
    expect(byEmail.body.subscribers).toEqual([summary(messy)]);
    expect(byPhone.body.subscribers.map((s) => s.id)).toEqual([messy.id]);
  });

  it('answers a search for an e-mail nobody subscribed with an empty list', async () => {
    const { status, body } = await getJson(`${url}/subscribers/search?email=${q('nobody@example.invalid')}`);
    expect({ status, body }).toEqual({ status: 200, body: { subscribers: [] } });
  });

  it('answers a search with neither or both parameters, or a short phone, with 400', async () => {
    for (const query of ['', '?phone=4155550132&email=a@b.c', '?phone=555-0132', '?email=%20']) {
      const { status } = await getJson(`${url}/subscribers/search${query}`);
      expect(status).toBe(400);
    }
  });

  it('fails its API under chaos, counts what it answered, and recovers on {}', async () => {
    const requests = async () => (await getJson<{ requests: number }>(`${url}/_stats`)).body.requests;
    const before = await requests();
    await postJson(`${url}/_chaos`, { failRate: 1 });
    try {
      const failed = await postJson<ErrorAnswer>(`${url}/subscribers/batch`, { subscriberIds: [subscribers[0].id] });
      expect(failed.status).toBe(503);
      expect(failed.body.error).toEqual({
        code: 'UNAVAILABLE',
        message: 'The marketing system is unavailable (chaos).',
      });
      expect((await getJson(`${url}/health`)).status).toBe(503);
    } finally {
      await postJson(`${url}/_chaos`, {});
    }
    expect((await getJson(`${url}/health`)).body).toEqual({ status: 'ok', system: 'marketing' });
    expect(await requests()).toBe(before + 3);
  });

  it('documents each of its routes with the OpenAPI version the other silos use', async () => {
    const { body } = await getJson<{ openapi: string; paths: Record<string, unknown> }>(`${url}/openapi.json`);
    expect(body.openapi).toBe('3.1.0');
    expect(Object.keys(body.paths)).toEqual(
      expect.arrayContaining(['/subscribers', '/subscribers/batch', '/subscribers/search']),
    );
  });
});

/** A world without marketing, made from one with it: what generating it without marketing must give. */
function withoutMarketing(source: World): World {
  const { marketing: _subscribers, leads: _leads, ...rest } = structuredClone(source);
  for (const person of rest.people) {
    delete person.keys.marketing;
    if (person.hardCase?.silo === 'marketing') person.hardCase = null;
  }
  return rest;
}

describe('generateWorld with marketing', () => {
  it('generates byte-identical marketing data from the same seed and scale, and other data from another seed', () => {
    const again = generateWorld({ seed: 35, scale: 300, with: ['marketing'] });
    expect(JSON.stringify(again)).toBe(JSON.stringify(world));
    const other = generateWorld({ seed: 36, scale: 300, with: ['marketing'] });
    expect(other.marketing!.map((s) => s.id)).not.toEqual(subscribers.map((s) => s.id));
  });

  it('leaves every other silo and the rest of the ground truth byte-identical to a world without it', () => {
    for (const [seed, scale] of [
      [35, 300],
      [2, 800],
    ]) {
      const plain = generateWorld({ seed, scale });
      expect(plain.marketing).toBeUndefined();
      expect(JSON.stringify(withoutMarketing(generateWorld({ seed, scale, with: ['marketing'] })))).toBe(
        JSON.stringify(plain),
      );
    }
  });

  it('keeps the subscriber ids of the first people when the world grows', () => {
    const small = generateWorld({ seed: 9, scale: 50, with: ['marketing'] });
    const large = generateWorld({ seed: 9, scale: 500, with: ['marketing'] });
    expect(large.people.slice(0, 50).map((p) => p.keys.marketing)).toEqual(small.people.map((p) => p.keys.marketing));
  });

  it('rejects an optional silo it does not know with a sentence naming those it does', () => {
    expect(() => generateWorld({ seed: 1, scale: 5, with: ['billing' as 'marketing'] })).toThrow(
      'generateWorld expected with to list optional silos (marketing), but got "billing".',
    );
  });
});

describe('marketing ground truth', () => {
  const big: World = generateWorld({ seed: 21, scale: 5000, with: ['marketing'] });
  const records = new Map(big.marketing!.map((s) => [s.id, s]));
  const email = (raw: string) => raw.trim().toLowerCase();
  const digits = (raw: string | null) => raw?.replace(/\D/g, '').slice(-10) ?? null;

  it('subscribes about 70% of people, and about one lead per ten people', () => {
    const share = big.people.filter((p) => p.keys.marketing !== undefined).length / big.people.length;
    expect(Math.abs(share - 0.7)).toBeLessThan(0.03);
    expect(big.leads).toHaveLength(500);
  });

  it("names every subscriber as exactly one person's or one lead's key, each a sub_ and ten hex digits", () => {
    const keys = [...big.people.flatMap((p) => p.keys.marketing ?? []), ...big.leads!.map((l) => l.keys.marketing)];
    expect([...keys].sort()).toEqual([...records.keys()].sort());
    expect(records.size).toBe(big.marketing!.length);
    expect([...records.keys()].filter((id) => !/^sub_[0-9a-f]{10}$/.test(id))).toEqual([]);
  });

  it("writes each subscriber with its person's or lead's e-mail, phone (or none) and name", () => {
    const wrong: string[] = [];
    for (const person of big.people.filter((p) => p.keys.marketing)) {
      const record = records.get(person.keys.marketing!)!;
      const alternate = person.hardCase?.kind === 'marketing-alternate-email' ? person.hardCase.value : null;
      if (email(record.email) !== (alternate ?? person.email)) wrong.push(`${person.id} email`);
      if (![null, digits(person.phone)].includes(digits(record.phone))) wrong.push(`${person.id} phone`);
      if (record.name.toLowerCase() !== `${person.firstName} ${person.lastName}`.toLowerCase()) wrong.push(person.id);
    }
    for (const lead of big.leads!) {
      const record = records.get(lead.keys.marketing)!;
      if (email(record.email) !== lead.email || digits(record.phone) !== digits(lead.phone)) wrong.push(lead.id);
    }
    expect(wrong).toEqual([]);
  });

  it('writes a share of e-mails in another case or with stray spaces, as subscribers typed them', () => {
    const messy = big.marketing!.filter((s) => s.email !== email(s.email));
    expect(messy.some((s) => s.email !== s.email.trim())).toBe(true);
    expect(messy.some((s) => s.email === s.email.trim())).toBe(true);
    expect(messy.length / big.marketing!.length).toBeGreaterThan(0.15);
    expect(messy.length / big.marketing!.length).toBeLessThan(0.45);
  });

  it('lets a few people subscribe with another address, keeping their phone so they stay linkable', () => {
    const alternates = big.people.filter((p) => p.hardCase?.silo === 'marketing');
    expect(alternates.length).toBeGreaterThan(30);
    for (const person of alternates) {
      expect(person.hardCase!.kind).toBe('marketing-alternate-email');
      expect(digits(records.get(person.keys.marketing!)!.phone)).toBe(digits(person.phone));
    }
  });

  it('lets each subscriber share an e-mail or phone with every other record of its person', () => {
    const ids = (mail: string | null, phone: string | null) => [
      ...(mail === null ? [] : [`email:${email(mail)}`]),
      ...(phone === null ? [] : [`phone:${digits(phone)}`]),
    ];
    const others = {
      accounting: new Map(big.accounting.map((r) => [r.accountNumber, ids(r.email, r.phone)])),
      sales: new Map(big.sales.map((r) => [r.id, ids(r.email, r.mobile)])),
      credit: new Map(big.credit.map((r) => [r.taxNumber, ids(r.contact.email, r.contact.phone)])),
      support: new Map(big.support.map((r) => [r.email, ids(r.email, r.phone)])),
    };
    const unlinkable: string[] = [];
    for (const person of big.people.filter((p) => p.keys.marketing)) {
      const record = records.get(person.keys.marketing!)!;
      const mine = ids(record.email, record.phone);
      for (const silo of SILO_NAMES) {
        const key = person.keys[silo];
        if (key && !others[silo].get(key)!.some((id) => mine.includes(id))) unlinkable.push(`${person.id} ${silo}`);
      }
    }
    expect(unlinkable).toEqual([]);
  });

  it('never lets two people, or a person and a lead, share an e-mail or phone anywhere', () => {
    const owner = new Map<string, string>();
    const clashes: string[] = [];
    const claim = (id: string | null, who: string) => {
      if (id === null) return;
      if ((owner.get(id) ?? who) !== who) clashes.push(id);
      owner.set(id, who);
    };
    for (const person of big.people) {
      claim(`email:${person.email}`, person.id);
      claim(`phone:${digits(person.phone)}`, person.id);
      const value = person.hardCase?.value ?? null;
      if (value !== null) claim(value.startsWith('+') ? `phone:${digits(value)}` : `email:${value}`, person.id);
    }
    for (const lead of big.leads!) {
      claim(`email:${lead.email}`, lead.id);
      claim(lead.phone && `phone:${digits(lead.phone)}`, lead.id);
    }
    expect(clashes).toEqual([]);
  });

  it('sends campaigns oldest first, at most 8, between sign-up and leaving the list, opens after sends', () => {
    const campaigns = new Map<string, string>();
    const wrong: string[] = [];
    const check = (ok: boolean, what: string) => {
      if (!ok) wrong.push(what);
    };
    for (const s of big.marketing!) {
      check(s.campaigns.length <= 8, `${s.id} sends`);
      check(s.consent.state !== 'subscribed' || s.consent.changedAt === s.createdAt, `${s.id} changedAt`);
      const end = s.consent.state === 'subscribed' ? big.epoch : s.consent.changedAt;
      let previous = s.createdAt;
      for (const send of s.campaigns) {
        const at = `${s.id} ${send.campaignId}`;
        check(send.sentAt > previous && send.sentAt < end, `${at} sentAt`);
        previous = send.sentAt;
        check(send.opened === (send.openedAt !== null), `${at} opened`);
        check(send.openedAt === null || (send.openedAt > send.sentAt && send.openedAt < big.epoch), `${at} openedAt`);
        check(send.opened || send.clicks === 0, `${at} clicks`);
        const known = `${send.name}|${send.sentAt}`;
        check((campaigns.get(send.campaignId) ?? known) === known, `${at} campaign`);
        campaigns.set(send.campaignId, known);
      }
    }
    expect(wrong).toEqual([]);
    const states = new Set(big.marketing!.map((s) => s.consent.state));
    expect([...states].sort()).toEqual(['bounced', 'subscribed', 'unsubscribed']);
  });
});
