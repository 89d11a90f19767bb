import { isValidPhoneNumber } from 'libphonenumber-js/max';
import { generateWorld, type Person, type SiloName, type World } from '../../silos';

const world: World = generateWorld({ seed: 8, scale: 4000 });

const byKey = {
  accounting: new Map(world.accounting.map((r) => [r.accountNumber, r])),
  sales: new Map(world.sales.map((r) => [r.id, r])),
  credit: new Map(world.credit.map((r) => [r.taxNumber, r])),
  support: new Map(world.support.map((r) => [r.email, r])),
};

const email = (raw: string | null) => (raw === null ? [] : [`email:${raw.trim().toLowerCase()}`]);
const phone = (raw: string | null) => (raw === null ? [] : [`phone:+1${raw.replace(/\D/g, '').slice(-10)}`]);
const tax = (raw: string | null) => (raw === null ? [] : [`tax:${raw.replace(/\D/g, '')}`]);

/** The normalised identifiers each of a person's silo records carries, by silo. */
function identifiers(person: Person): Partial<Record<SiloName, string[]>> {
  const out: Partial<Record<SiloName, string[]>> = {};
  const { accounting, sales, credit, support } = person.keys;
  if (accounting) {
    const r = byKey.accounting.get(accounting)!;
    out.accounting = [...email(r.email), ...phone(r.phone), ...tax(r.taxId)];
  }
  if (sales) {
    const r = byKey.sales.get(sales)!;
    out.sales = [...email(r.email), ...phone(r.mobile)];
  }
  if (credit) {
    const r = byKey.credit.get(credit)!;
    out.credit = [...email(r.contact.email), ...phone(r.contact.phone), ...tax(r.taxNumber)];
  }
  if (support) {
    const r = byKey.support.get(support)!;
    out.support = [...email(r.email), ...phone(r.phone)];
  }
  return out;
}

describe('identities across silos', () => {
  it("lets every pair of one person's records share at least one identifier", () => {
    const unlinkable: string[] = [];
    for (const person of world.people) {
      const records = Object.entries(identifiers(person));
      for (let i = 0; i < records.length; i += 1) {
        for (let j = i + 1; j < records.length; j += 1) {
          const shared = records[i][1].filter((id) => records[j][1].includes(id));
          if (shared.length === 0) unlinkable.push(`${person.id} ${records[i][0]}/${records[j][0]}`);
        }
      }
    }
    expect(unlinkable).toEqual([]);
  });

  it('never gives two people the same identifier in any silo', () => {
    const owner = new Map<string, string>();
    const clashes: string[] = [];
    for (const person of world.people) {
      for (const ids of Object.values(identifiers(person))) {
        for (const id of ids) {
          const seen = owner.get(id);
          if (seen !== undefined && seen !== person.id) clashes.push(id);
          owner.set(id, person.id);
        }
      }
    }
    expect(clashes).toEqual([]);
  });

  it('writes the same person differently in each silo', () => {
    const person = world.people.find((p) => Object.keys(p.keys).length === 4 && p.hardCase === null)!;
    const acc = byKey.accounting.get(person.keys.accounting!)!;
    const sal = byKey.sales.get(person.keys.sales!)!;
    const cre = byKey.credit.get(person.keys.credit!)!;
    const sup = byKey.support.get(person.keys.support!)!;
    expect(acc.name).toBe(`${person.lastName.toUpperCase()}, ${person.firstName}`);
    expect(cre.legalName).toBe(`${person.firstName} ${person.lastName}`.toUpperCase());
    expect(sup.displayName).toBe(`${person.firstName} ${person.lastName}`.toLowerCase());
    expect(new Set([acc.email, sal.email, cre.contact.email, sup.email]).size).toBe(4);
    expect(
      new Set([acc.phone, sal.mobile, cre.contact.phone, sup.phone, sup.calls[0]?.callerNumber ?? 'none']).size,
    ).toBe(5);
    expect(acc.phone).toMatch(/^\(\d{3}\) \d{3}-\d{4}$/);
    expect(sal.mobile).toMatch(/^\+1 \d{3}-\d{3}-\d{4}$/);
    expect(cre.contact.phone).toMatch(/^\d{3}\.\d{3}\.\d{4}$/);
    expect(sup.phone).toBe(person.phone);
    expect(acc.taxId).toBe(person.taxNumber);
    expect(cre.taxNumber).toBe(`${person.taxNumber.slice(0, 2)}-${person.taxNumber.slice(2)}`);
  });

  it('has sales e-mails with stray spaces and mixed case, as reps type them', () => {
    expect(world.sales.some((r) => r.email !== r.email.trim())).toBe(true);
    expect(world.sales.every((r) => r.email !== r.email.toLowerCase())).toBe(true);
  });

  it('gives people valid, unique US phone numbers in E.164', () => {
    const phones = world.people.map((p) => p.phone);
    expect(phones.filter((p) => !/^\+1[2-9]\d{2}[2-9]\d{6}$/.test(p) || !isValidPhoneNumber(p))).toEqual([]);
    expect(new Set(phones).size).toBe(phones.length);
  });

  it('makes each hard case differ in its silo by exactly the identifier it names', () => {
    for (const person of world.people.filter((p) => p.hardCase !== null)) {
      const { kind, silo, value } = person.hardCase!;
      const ids = identifiers(person)[silo]!;
      if (value === null) {
        const lost = kind.endsWith('tax-id') ? tax(person.taxNumber) : phone(person.phone);
        expect(ids).not.toContain(lost[0]);
      } else {
        const replaced = value.startsWith('+') ? phone(value) : email(value);
        const original = value.startsWith('+') ? phone(person.phone) : email(person.email);
        expect(ids).toContain(replaced[0]);
        expect(ids).not.toContain(original[0]);
      }
    }
  });
});
