import { uniquePhone } from './phones';
import type { Rng } from './random';
import type { Currency, DefaultSiloName, HardCase, HardCaseKind, Person } from './types';

/** What the silo generators need to know about a person beyond the ground truth. */
export interface PersonTraits {
  /** 0..1: how reliably the person pays; drives overdue invoices and the credit score alike. */
  reliability: number;
  currency: Currency;
}

/** A person as the silo generators receive them: keys are filled in as records are written. */
export interface Member {
  person: Person;
  traits: PersonTraits;
  /** The default silos that hold the person; optional silos (marketing) draw their own members. */
  silos: ReadonlySet<DefaultSiloName>;
}

/** How often each silo holds a person (the README's demo shape). */
const SILO_SHARES: readonly (readonly [DefaultSiloName, number])[] = [
  ['accounting', 0.85],
  ['sales', 0.8],
  ['credit', 0.6],
  ['support', 0.7],
];

/** Share of people (in two silos or more) that carry one hard case. */
const HARD_CASE_SHARE = 0.03;

/** The hard cases drawn with the people; optional silos draw theirs from their own stream. */
type PeopleHardCaseKind = Exclude<HardCaseKind, 'marketing-alternate-email'>;

const HARD_CASE_SILO: Record<PeopleHardCaseKind, DefaultSiloName> = {
  'sales-personal-email': 'sales',
  'sales-no-mobile': 'sales',
  'support-alternate-email': 'support',
  'support-no-phone': 'support',
  'accounting-no-tax-id': 'accounting',
  'accounting-old-phone': 'accounting',
  'credit-work-email': 'credit',
};

/** Free mail providers, weighted by how many people use them. */
export const FREE_MAIL: readonly (readonly [string, number])[] = [
  ['gmail.com', 30],
  ['yahoo.com', 12],
  ['outlook.com', 10],
  ['hotmail.com', 8],
  ['icloud.com', 8],
  ['aol.com', 3],
  ['proton.me', 3],
  ['comcast.net', 3],
];

/** IRS campus prefixes that real employer identification numbers start with. */
const TAX_PREFIXES: readonly number[] = [
  1,
  2,
  3,
  4,
  5,
  6,
  10,
  11,
  12,
  13,
  14,
  15,
  16,
  20,
  21,
  22,
  23,
  24,
  25,
  26,
  27,
  ...range(30, 48),
  ...range(50, 68),
  71,
  72,
  73,
  74,
  75,
  76,
  77,
  ...range(80, 88),
  90,
  91,
  92,
  93,
  94,
  95,
  98,
  99,
];

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

/** Letters only, lower case: what mail providers leave of `O'Conner` or `Lesch-Pouros`. */
export function mailName(name: string): string {
  return name.toLowerCase().replace(/[^a-z]/g, '');
}

/** Generates people and the identifiers that must stay unique across all of them. */
export class PeopleFactory {
  private readonly emails = new Set<string>();
  private readonly phones = new Set<string>();
  private readonly taxNumbers = new Set<string>();
  private readonly companyDomains: string[];

  constructor(private readonly rng: Rng) {
    this.companyDomains = Array.from({ length: 300 }, () => rng.faker.internet.domainName());
  }

  /** Creates the person with index `index` (0-based). */
  create(index: number): Member {
    const { rng } = this;
    const firstName = rng.faker.person.firstName();
    const lastName = rng.faker.person.lastName();
    const person: Person = {
      id: `P-${String(index + 1).padStart(6, '0')}`,
      firstName,
      lastName,
      email: this.email(firstName, lastName, 'primary'),
      phone: uniquePhone(rng, this.phones),
      taxNumber: this.taxNumber(),
      keys: {},
      hardCase: null,
    };
    const silos = this.memberships();
    if (silos.size >= 2 && rng.chance(HARD_CASE_SHARE)) person.hardCase = this.hardCase(person, silos);
    const traits: PersonTraits = {
      // The mean of two uniforms: most people pay fine, a few are very good or very bad.
      reliability: (rng.next() + rng.next()) / 2,
      currency: rng.weighted<Currency>([
        ['USD', 80],
        ['EUR', 12],
        ['GBP', 8],
      ]),
    };
    return { person, traits, silos };
  }

  private memberships(): Set<DefaultSiloName> {
    const silos = new Set<DefaultSiloName>();
    for (const [silo, share] of SILO_SHARES) if (this.rng.chance(share)) silos.add(silo);
    // Nobody exists in no system at all; the rare empty draw goes to one silo by the same shares.
    if (silos.size === 0) silos.add(this.rng.weighted(SILO_SHARES));
    return silos;
  }

  private hardCase(person: Person, silos: ReadonlySet<DefaultSiloName>): HardCase {
    const kinds = (Object.keys(HARD_CASE_SILO) as PeopleHardCaseKind[]).filter((kind) =>
      silos.has(HARD_CASE_SILO[kind]),
    );
    const kind = this.rng.pick(kinds);
    const { firstName, lastName } = person;
    let value: string | null = null;
    if (kind === 'sales-personal-email') value = this.email(firstName, lastName, 'personal');
    if (kind === 'support-alternate-email') value = this.email(firstName, lastName, 'primary');
    if (kind === 'credit-work-email') value = this.email(firstName, lastName, 'work');
    if (kind === 'accounting-old-phone') value = uniquePhone(this.rng, this.phones);
    return { kind, silo: HARD_CASE_SILO[kind], value };
  }

  /** A lower-case address no one else has, in the style people really pick. */
  private email(firstName: string, lastName: string, style: 'primary' | 'personal' | 'work'): string {
    const { rng } = this;
    const f = mailName(firstName) || 'user';
    const l = mailName(lastName) || 'mail';
    let local: string;
    let domain: string;
    if (style === 'work') {
      local = rng.chance(0.5) ? `${f}.${l}` : `${f[0]}${l}`;
      domain = rng.pick(this.companyDomains);
    } else if (style === 'personal') {
      local = `${f}${l}${rng.int(1, 99)}`;
      domain = rng.weighted(FREE_MAIL);
    } else {
      local = rng.weighted<string>([
        [`${f}.${l}`, 40],
        [`${f}${l}`, 15],
        [`${f[0]}${l}`, 15],
        [`${f}.${l}${rng.int(10, 99)}`, 10],
        [`${f}_${l}`, 10],
        [`${l}.${f}`, 10],
      ]);
      domain = rng.chance(0.7) ? rng.weighted(FREE_MAIL) : rng.pick(this.companyDomains);
    }
    let address = `${local}@${domain}`;
    for (let n = 2; this.emails.has(address); n += 1) address = `${local}${n}@${domain}`;
    this.emails.add(address);
    return address;
  }

  private taxNumber(): string {
    for (;;) {
      const prefix = String(this.rng.pick(TAX_PREFIXES)).padStart(2, '0');
      const tax = `${prefix}${String(this.rng.int(0, 9_999_999)).padStart(7, '0')}`;
      if (!this.taxNumbers.has(tax)) {
        this.taxNumbers.add(tax);
        return tax;
      }
    }
  }
}
