import { createHash } from 'node:crypto';
import type { DirectoryEntry } from '../../connectors/kit';
import { normalizeEmail, normalizeNameCasing, normalizePhone, normalizeTaxNumber } from './normalize';

/** A department record to link, tagged with the system it came from. */
export interface SourceRecord extends DirectoryEntry {
  system: string;
}

/** Where a customer lives in one department system. */
export interface SystemLink {
  system: string;
  key: string;
}

/** One customer as the hub knows them: the identity that links their records across systems. */
export interface CustomerIdentity {
  /** The stable hub id (`cus_...`). */
  _id: string;
  name: string;
  /** Normalised e-mails (lower case), sorted. */
  emails: string[];
  /** Normalised phones (E.164), sorted. */
  phones: string[];
  /** Normalised tax numbers, sorted. */
  taxNumbers: string[];
  /** The customer's key in each system that knows them, in system order. */
  links: SystemLink[];
  /** Earlier hub ids of customers that a later sync found to be this one. */
  aliases: string[];
}

/** What a linking run found. */
export interface LinkResult {
  customers: CustomerIdentity[];
  /** Links refused because they would have put two keys of one system in one customer. */
  conflicts: number;
}

/**
 * Normalised values of one kind: none, one, or several (distinct, sorted). Not an array each: most
 * records hold at most one e-mail, phone and tax number, a 100,000-customer sync holds ~300,000
 * records at once, and three arrays per record were about a third of its memory.
 */
export type NormalisedValues = string | readonly string[] | null;

/** The values of a `NormalisedValues` as a list. */
export function valuesOf(values: NormalisedValues): readonly string[] {
  if (values === null) return [];
  return typeof values === 'string' ? [values] : values;
}

/** A department record in the forms the rules compare: what a sync keeps of each record. */
export interface NormalisedRecord {
  system: string;
  key: string;
  /** The display name in "First Last" form, or null (see `normalizeNameCasing`). */
  name: string | null;
  /** Whether `name` had to be re-cased (the system wrote it all upper or all lower case). */
  recased: boolean;
  emails: NormalisedValues;
  phones: NormalisedValues;
  taxNumbers: NormalisedValues;
}

const linkId = (system: string, key: string): string => `${system}:${key}`;

/** `localeCompare`'s own order (the default collator), without building a collator per comparison. */
const collator = new Intl.Collator();

/** The id a brand-new customer gets: derived from its first link, so a re-run gives the same id. */
export function newCustomerId(anchor: SystemLink): string {
  return `cus_${createHash('sha256').update(linkId(anchor.system, anchor.key)).digest('hex').slice(0, 16)}`;
}

function uniqueSorted(values: Iterable<string | null>): string[] {
  const unique = new Set(values);
  unique.delete(null);
  return [...(unique as Set<string>)].sort();
}

/** `uniqueSorted`, kept as `NormalisedValues`: no array for none or one. */
function compactValues(values: ReadonlyArray<string | null>): NormalisedValues {
  if (values.length === 0) return null;
  if (values.length === 1) return values[0] ?? null;
  const sorted = uniqueSorted(values);
  return sorted.length === 0 ? null : sorted.length === 1 ? sorted[0] : sorted;
}

/**
 * Union-find over record indexes. Each merged set's root remembers one record per system the set
 * holds, to refuse a second key of a system; a set of one record is that record, so nothing is
 * allocated for the many records that never merge.
 */
class Clusters {
  private readonly parent: Int32Array;
  private readonly bySystem: Array<number[] | undefined>;

  constructor(private readonly records: readonly NormalisedRecord[]) {
    this.parent = Int32Array.from(records, (_, i) => i);
    this.bySystem = new Array<number[] | undefined>(records.length);
  }

  find(i: number): number {
    while (this.parent[i] !== i) {
      this.parent[i] = this.parent[this.parent[i]]!;
      i = this.parent[i]!;
    }
    return i;
  }

  /** Joins two sets unless that would give one customer two keys in one system. */
  union(a: number, b: number): 'joined' | 'same' | 'conflict' {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra === rb) return 'same';
    const systemsA = this.bySystem[ra] ?? [ra];
    const systemsB = this.bySystem[rb] ?? [rb];
    const [small, large, smallRoot, largeRoot] =
      systemsA.length < systemsB.length ? [systemsA, systemsB, ra, rb] : [systemsB, systemsA, rb, ra];
    const added: number[] = [];
    for (const i of small) {
      const { system, key } = this.records[i];
      const same = large.find((j) => this.records[j].system === system);
      if (same === undefined) added.push(i);
      else if (this.records[same].key !== key) return 'conflict';
    }
    this.bySystem[largeRoot] = added.length === 0 ? large : [...large, ...added];
    this.bySystem[smallRoot] = undefined;
    this.parent[smallRoot] = largeRoot;
    return 'joined';
  }
}

/**
 * Normalises department records for `linkNormalised`, one at a time, so a sync can do it as each
 * directory page arrives and keep only the normalised form. Phones are parsed once per number:
 * libphonenumber's validation is the costliest step of a sync, and one person's number comes
 * from each system in that system's own punctuation (`(415) 555-0132`, `415.555.0132`).
 */
export class RecordNormaliser {
  private readonly phones = new Map<string, string | null>();

  constructor(private readonly defaultCountry: string) {}

  normalise(record: DirectoryEntry, system: string): NormalisedRecord {
    const name = normalizeNameCasing(record.name);
    return {
      system,
      key: record.key,
      name: name?.name ?? null,
      recased: name?.recased ?? false,
      emails: compactValues(record.emails.map(normalizeEmail)),
      phones: compactValues(record.phones.map((phone) => this.phone(phone))),
      taxNumbers: compactValues(record.taxNumbers.map(normalizeTaxNumber)),
    };
  }

  private phone(raw: string): string | null {
    const key = phoneKey(raw);
    let e164 = this.phones.get(key);
    if (e164 === undefined) {
      e164 = normalizePhone(raw, this.defaultCountry);
      this.phones.set(key, e164);
    }
    return e164;
  }
}

/**
 * Digits, a leading `+`, and punctuation libphonenumber skips: the spaces it counts as spaces
 * (not tabs or newlines, which make a number unreadable to it), `-`, `.`, `(` and `)`.
 */
const PUNCTUATED_NUMBER = /^\+?[\d ().\-\u00A0\u00AD\u200B\u2060\u3000]+$/;
const PHONE_PUNCTUATION = /[ ().\-\u00A0\u00AD\u200B\u2060\u3000]/g;
/** libphonenumber refuses longer input outright, whatever it holds. */
const MAX_PHONE_INPUT = 250;

/**
 * What a phone's parse depends on: for a number written with digits, a leading `+` and
 * punctuation only, its digits and that `+` (libphonenumber parses those and nothing else);
 * anything else (an extension, a letter, a tab, overlong input) as written, kept apart by a
 * prefix no number has.
 */
function phoneKey(raw: string): string {
  return raw.length <= MAX_PHONE_INPUT && PUNCTUATED_NUMBER.test(raw) ? raw.replace(PHONE_PUNCTUATION, '') : `~${raw}`;
}

/** What linking needs besides the records. */
export interface LinkOptions {
  defaultCountry: string;
  systemOrder: readonly string[];
  existing?: ReadonlyMap<string, string>;
}

/**
 * Links department records into customers by deterministic rules, strongest first: the same
 * tax number, then the same normalised e-mail, then the same E.164 phone. A link that would give
 * one customer two different keys in the same system is refused and counted as a conflict.
 *
 * `existing` maps `system:key` to the hub id a previous sync gave that record, so ids stay
 * stable: a customer keeps the id most of its records already had (ties: the smallest id), and
 * the other ids become aliases.
 */
export function linkRecords(records: readonly SourceRecord[], options: LinkOptions): LinkResult {
  const normaliser = new RecordNormaliser(options.defaultCountry);
  return linkNormalised(
    records.map((record) => normaliser.normalise(record, record.system)),
    options,
  );
}

/** `linkRecords` over records already normalised (by a `RecordNormaliser`); sorts them in place. */
export function linkNormalised(
  normalised: NormalisedRecord[],
  options: Omit<LinkOptions, 'defaultCountry'>,
): LinkResult {
  const order = new Map(options.systemOrder.map((s, i) => [s, i]));
  // A fixed processing order makes conflicts resolve the same way on every run.
  normalised.sort(
    (a, b) => (order.get(a.system) ?? 99) - (order.get(b.system) ?? 99) || collator.compare(a.key, b.key),
  );

  const clusters = new Clusters(normalised);
  let conflicts = 0;
  for (const field of ['taxNumbers', 'emails', 'phones'] as const) {
    const firstHolder = new Map<string, number>();
    normalised.forEach((record, index) => {
      for (const value of valuesOf(record[field])) {
        const holder = firstHolder.get(value);
        if (holder === undefined) firstHolder.set(value, index);
        else if (clusters.union(holder, index) === 'conflict') conflicts += 1;
      }
    });
  }

  const members = new Map<number, NormalisedRecord[]>();
  normalised.forEach((record, index) => {
    const root = clusters.find(index);
    const list = members.get(root);
    if (list) list.push(record);
    else members.set(root, [record]);
  });

  const customers = [...members.values()].map((group) => toIdentity(group, options.existing));
  customers.sort((a, b) => collator.compare(a._id, b._id));
  return { customers, conflicts };
}

function toIdentity(group: NormalisedRecord[], existing: ReadonlyMap<string, string> | undefined): CustomerIdentity {
  const links = group.map((r) => ({ system: r.system, key: r.key }));
  const votes = new Map<string, number>();
  for (const link of links) {
    const id = existing?.get(linkId(link.system, link.key));
    if (id) votes.set(id, (votes.get(id) ?? 0) + 1);
  }
  const ranked = [...votes.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const anchor = [...links].sort((a, b) => linkId(a.system, a.key).localeCompare(linkId(b.system, b.key)))[0];
  const id = ranked[0]?.[0] ?? newCustomerId(anchor);
  return {
    _id: id,
    name: pickName(group),
    emails: uniqueSorted(group.flatMap((r) => valuesOf(r.emails))),
    phones: uniqueSorted(group.flatMap((r) => valuesOf(r.phones))),
    taxNumbers: uniqueSorted(group.flatMap((r) => valuesOf(r.taxNumbers))),
    links,
    aliases: ranked.slice(1).map(([alias]) => alias),
  };
}

/**
 * The customer's display name. Names a system kept in their real casing win over names that had
 * to be re-cased (`McGlynn` over `MCGLYNN` title-cased to `Mcglynn`), because two systems that
 * shout a name must not outvote the one that wrote it correctly. Among those, the name most
 * records agree on; ties go to the first system's.
 */
function pickName(group: NormalisedRecord[]): string {
  const named = group.filter((r): r is NormalisedRecord & { name: string } => r.name !== null);
  const written = named.filter((r) => !r.recased);
  const counts = new Map<string, number>();
  for (const { name } of written.length > 0 ? written : named) counts.set(name, (counts.get(name) ?? 0) + 1);
  let best: string | null = null;
  for (const [name, count] of counts) if (best === null || count > counts.get(best)!) best = name;
  return best ?? group[0].key;
}
