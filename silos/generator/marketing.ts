import { DAY_MS, isoTime } from './dates';
import { FREE_MAIL, mailName, type Member } from './people';
import { marketingPhone, uniquePhone } from './phones';
import type { Rng } from './random';
import type { CampaignSend, ConsentState, HardCaseKind, Lead, Subscriber } from './types';

/** Share of the world's people on the mailing list (the README's demo shape). */
const SUBSCRIBER_SHARE = 0.7;
/** Leads (subscribers who are no person), per person of the world. */
const LEAD_SHARE = 0.1;
/** Share of subscribing people, with no hard case yet, who subscribed with another address. */
const ALTERNATE_EMAIL_SHARE = 0.03;
/** Share of subscribers who gave a phone on the sign-up form. */
const PHONE_SHARE = 0.35;
/** Share of leads who gave a phone. */
const LEAD_PHONE_SHARE = 0.2;
/** Most sends one subscriber lists (the latest): records stay small at any scale. */
const MAX_SENDS = 8;
const CAMPAIGN_COUNT = 36;
const CAMPAIGN_SPAN_DAYS = 420;

/**
 * Hard cases that give a person another e-mail in some silo. Marketing knows the person by their
 * usual address, so it must carry their phone too, or it would share nothing with that record.
 */
const EMAIL_REPLACED_ELSEWHERE: ReadonlySet<HardCaseKind> = new Set([
  'sales-personal-email',
  'support-alternate-email',
  'credit-work-email',
]);

const CAMPAIGN_KINDS = [
  'Monthly newsletter',
  'New arrivals',
  'Seasonal sale',
  'Webinar invitation',
  'We miss you',
  'Customer stories',
  'Product update',
  'Members-only offer',
] as const;

const MONTHS = 'January February March April May June July August September October November December'.split(' ');

interface Campaign {
  id: string;
  name: string;
  sentAt: number;
  /** Share of the list the campaign's segment reached. */
  audience: number;
}

/** Marketing's records, and the ground truth about those that are no person. */
export interface MarketingRecords {
  subscribers: Subscriber[];
  leads: Lead[];
}

/**
 * Writes the e-mail marketing subscribers: about 70% of `members` (setting `keys.marketing`, and
 * for a few the `marketing-alternate-email` hard case), then leads who are no person, about one
 * per ten people. Every identifier a subscriber adds (an alternate or lead e-mail, a lead's
 * phone) is unique across people and leads.
 */
export function generateMarketing(members: readonly Member[], rng: Rng, epoch: number): MarketingRecords {
  const campaigns = generateCampaigns(rng, epoch);
  const taken = takenIdentifiers(members);
  const ids = new Set<string>();
  const subscribers: Subscriber[] = [];
  for (const { person } of members) {
    if (!rng.chance(SUBSCRIBER_SHARE)) continue;
    let email = person.email;
    if (person.hardCase === null && rng.chance(ALTERNATE_EMAIL_SHARE)) {
      email = freshEmail(rng, taken.emails, person.firstName, person.lastName);
      person.hardCase = { kind: 'marketing-alternate-email', silo: 'marketing', value: email };
    }
    const hard = person.hardCase;
    const needsPhone = hard !== null && (hard.silo === 'marketing' || EMAIL_REPLACED_ELSEWHERE.has(hard.kind));
    const phone = needsPhone || rng.chance(PHONE_SHARE) ? person.phone : null;
    const id = subscriberId(rng, ids);
    person.keys.marketing = id;
    subscribers.push(subscriber(rng, epoch, campaigns, id, email, phone, person.firstName, person.lastName));
  }
  const leads: Lead[] = [];
  const leadCount = Math.round(members.length * LEAD_SHARE);
  for (let index = 0; index < leadCount; index += 1) {
    const firstName = rng.faker.person.firstName();
    const lastName = rng.faker.person.lastName();
    const email = freshEmail(rng, taken.emails, firstName, lastName);
    const phone = rng.chance(LEAD_PHONE_SHARE) ? uniquePhone(rng, taken.phones) : null;
    const id = subscriberId(rng, ids);
    const lead: Lead = {
      id: `L-${String(index + 1).padStart(6, '0')}`,
      firstName,
      lastName,
      email,
      phone,
      keys: { marketing: id },
    };
    leads.push(lead);
    subscribers.push(subscriber(rng, epoch, campaigns, id, email, phone, firstName, lastName));
  }
  return { subscribers, leads };
}

/** Every e-mail and phone some person's record carries, so new ones never clash with them. */
function takenIdentifiers(members: readonly Member[]): { emails: Set<string>; phones: Set<string> } {
  const emails = new Set<string>();
  const phones = new Set<string>();
  for (const { person } of members) {
    emails.add(person.email);
    phones.add(person.phone);
    const value = person.hardCase?.value;
    if (value?.includes('@')) emails.add(value);
    else if (value) phones.add(value);
  }
  return { emails, phones };
}

/** A lower-case free-mail address no one has yet, recorded in `taken`. */
function freshEmail(rng: Rng, taken: Set<string>, firstName: string, lastName: string): string {
  const f = mailName(firstName) || 'user';
  const l = mailName(lastName) || 'mail';
  const local = rng.weighted<string>([
    [`${f}.${l}`, 30],
    [`${f}${l}${rng.int(1, 99)}`, 40],
    [`${f[0]}${l}`, 15],
    [`${f}.news`, 15],
  ]);
  const domain = rng.weighted(FREE_MAIL);
  let address = `${local}@${domain}`;
  for (let n = 2; taken.has(address); n += 1) address = `${local}${n}@${domain}`;
  taken.add(address);
  return address;
}

/** Draws a subscriber id (`sub_3f9a0b12cd`) no other subscriber has. */
function subscriberId(rng: Rng, taken: Set<string>): string {
  for (;;) {
    const id = `sub_${rng.int(0, 0xff_ffff_ffff).toString(16).padStart(10, '0')}`;
    if (!taken.has(id)) {
      taken.add(id);
      return id;
    }
  }
}

const capitalise = (word: string): string => word.charAt(0).toUpperCase() + word.slice(1);

/**
 * An address as the marketing tool keeps it: as the subscriber typed it into a sign-up form,
 * mostly lower case, sometimes capitalised or shouted, sometimes with a space pasted in.
 */
export function marketingEmail(email: string, rng: Rng): string {
  const casing = rng.weighted<'typed' | 'capitalised' | 'shouted'>([
    ['typed', 78],
    ['capitalised', 15],
    ['shouted', 7],
  ]);
  const [local, domain] = email.split('@');
  let written = email;
  if (casing === 'capitalised') written = `${local.split('.').map(capitalise).join('.')}@${capitalise(domain)}`;
  if (casing === 'shouted') written = email.toUpperCase();
  if (rng.chance(0.1)) written = rng.chance(0.5) ? ` ${written}` : `${written}  `;
  return written;
}

/** The campaigns of the last 420 days, oldest first, ids rising with time (`CMP-0001`). */
function generateCampaigns(rng: Rng, epoch: number): Campaign[] {
  const ages = Array.from({ length: CAMPAIGN_COUNT }, () => rng.int(1, CAMPAIGN_SPAN_DAYS)).sort((a, b) => b - a);
  return ages.map((age, index) => {
    // Sent in the afternoon (UTC) of its day, so always before the epoch's midnight.
    const sentAt = epoch - age * DAY_MS + rng.int(13 * 3600, 17 * 3600) * 1000;
    const month = new Date(sentAt);
    return {
      id: `CMP-${String(index + 1).padStart(4, '0')}`,
      name: `${rng.pick(CAMPAIGN_KINDS)}, ${MONTHS[month.getUTCMonth()]} ${month.getUTCFullYear()}`,
      sentAt,
      audience: 0.25 + rng.next() * 0.5,
    };
  });
}

/**
 * One subscriber: signed up in the last two years; sent the campaigns of their segments between
 * signing up and leaving the list (or now), at most the latest 8; opens and clicks follow an
 * engagement drawn per subscriber, so some never open anything.
 */
function subscriber(
  rng: Rng,
  epoch: number,
  campaigns: readonly Campaign[],
  id: string,
  email: string,
  phone: string | null,
  firstName: string,
  lastName: string,
): Subscriber {
  const created = epoch - rng.int(1, 700) * DAY_MS - rng.int(0, 86_399) * 1000;
  const state = rng.weighted<ConsentState>([
    ['subscribed', 78],
    ['unsubscribed', 17],
    ['bounced', 5],
  ]);
  // A subscribed address last changed state when it opted in; the others when they left the list.
  const changed = state === 'subscribed' ? created : created + rng.int(60, (epoch - created) / 1000 - 1) * 1000;
  const end = state === 'subscribed' ? epoch : changed;
  const engagement = rng.next() * 0.6;
  const sends = campaigns
    .filter((campaign) => campaign.sentAt > created && campaign.sentAt < end && rng.chance(campaign.audience))
    .slice(-MAX_SENDS)
    .map((campaign) => send(rng, epoch, campaign, engagement));
  const name = `${firstName} ${lastName}`;
  return {
    id,
    email: marketingEmail(email, rng),
    phone: phone === null ? null : marketingPhone(phone),
    name: rng.chance(0.1) ? name.toLowerCase() : name,
    consent: { state, changedAt: isoTime(changed) },
    createdAt: isoTime(created),
    campaigns: sends,
  };
}

function send(rng: Rng, epoch: number, campaign: Campaign, engagement: number): CampaignSend {
  const opened = rng.chance(engagement);
  const openedAt = opened ? Math.min(epoch - 1000, campaign.sentAt + rng.int(120, 3 * 86_400) * 1000) : null;
  return {
    campaignId: campaign.id,
    name: campaign.name,
    sentAt: isoTime(campaign.sentAt),
    opened,
    openedAt: openedAt === null ? null : isoTime(openedAt),
    clicks: opened
      ? rng.weighted<number>([
          [0, 55],
          [1, 25],
          [2, 12],
          [3, 6],
          [5, 2],
        ])
      : 0,
  };
}
