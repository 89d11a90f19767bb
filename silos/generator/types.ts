/**
 * The shapes of the generated world. Silo records are stored exactly as their silo serves them
 * (see silos/README.md), so a service answers from them without converting anything per request.
 */

/** The four demo department systems every demo starts (and every world holds). */
export type DefaultSiloName = 'accounting' | 'sales' | 'credit' | 'support';

/**
 * Systems a world holds and a demo starts only when asked for (`generateWorld({ with })`,
 * `startSilos({ only })`, `silos --with`), so worlds and demos without them stay as they were.
 */
export type OptionalSiloName = 'marketing';

/** Every demo department system. */
export type SiloName = DefaultSiloName | OptionalSiloName;

/**
 * Which silos hold a person, and under which key (account number, contact id, tax number,
 * e-mail, subscriber id). A silo that does not hold the person, or that the world was generated
 * without, has no entry.
 */
export interface SiloKeys {
  accounting?: string;
  sales?: string;
  credit?: string;
  support?: string;
  marketing?: string;
}

/**
 * The realistic irregularities a small share of people carry, one per person at most. Each one
 * changes or removes a single identifier in a single silo; the record still shares another
 * identifier (e-mail or phone) with every other record of the same person.
 * - `sales-personal-email`: the sales contact has a private e-mail; same mobile.
 * - `sales-no-mobile`: the sales contact has no mobile.
 * - `support-alternate-email`: the person writes to support from another address; same phone.
 * - `support-no-phone`: the requester never gave a phone number.
 * - `accounting-no-tax-id`: the account was opened without a tax number.
 * - `accounting-old-phone`: the account still has an old phone number; same e-mail.
 * - `credit-work-email`: the credit profile has a work e-mail; same phone and tax number.
 * - `marketing-alternate-email`: the person subscribed with another address; the subscriber
 *   carries their phone. Only in worlds generated with marketing, and drawn from marketing's own
 *   stream, so only people with no other hard case carry it.
 */
export type HardCaseKind =
  | 'sales-personal-email'
  | 'sales-no-mobile'
  | 'support-alternate-email'
  | 'support-no-phone'
  | 'accounting-no-tax-id'
  | 'accounting-old-phone'
  | 'credit-work-email'
  | 'marketing-alternate-email';

/** A hard case as applied: `value` is the replacing identifier (canonical form) or `null` if removed. */
export interface HardCase {
  kind: HardCaseKind;
  silo: SiloName;
  value: string | null;
}

/** The ground truth about one person, in canonical forms, for tests of identity linking. */
export interface Person {
  /** Stable within a world: `P-000001`, in generation order. */
  id: string;
  firstName: string;
  lastName: string;
  /** Lower case, no spaces. Unique across people. */
  email: string;
  /** E.164, US (`+14155550132`). Unique across people. */
  phone: string;
  /** Nine digits (`123456789`). Unique across people. */
  taxNumber: string;
  keys: SiloKeys;
  hardCase: HardCase | null;
}

/** An item of the sales catalogue. */
export interface Product {
  sku: string;
  description: string;
  /** USD, two decimals. */
  unitPrice: number;
}

export type Currency = 'USD' | 'EUR' | 'GBP';

export interface Invoice {
  number: string;
  issuedOn: string;
  dueOn: string;
  totalMinor: number;
  paidMinor: number;
  status: 'paid' | 'open' | 'overdue' | 'void';
}

export interface Payment {
  id: string;
  receivedOn: string;
  amountMinor: number;
  invoiceNumber: string;
  method: 'card' | 'transfer' | 'direct_debit';
}

/** An accounting record (`Account` in the README; the summary is its first five fields). */
export interface Account {
  accountNumber: string;
  name: string;
  email: string;
  phone: string;
  taxId: string | null;
  currency: Currency;
  balanceMinor: number;
  overdueMinor: number;
  invoices: Invoice[];
  payments: Payment[];
}

export interface OrderLine {
  sku: string;
  description: string;
  qty: number;
  unitPrice: number;
}

export interface Order {
  orderId: string;
  placedAt: string;
  total: number;
  lines: OrderLine[];
}

export type OpportunityStage = 'prospecting' | 'proposal' | 'negotiation' | 'won' | 'lost';

export interface Opportunity {
  id: string;
  title: string;
  stage: OpportunityStage;
  amount: number;
  expectedCloseDate: string;
}

/** A sales CRM contact (`Contact` in the README). */
export interface Contact {
  id: string;
  firstName: string;
  lastName: string;
  email: string;
  mobile: string | null;
  lifetimeValue: number;
  orders: Order[];
  opportunities: Opportunity[];
}

export type RiskBand = 'A' | 'B' | 'C' | 'D' | 'E';
export type PaymentTerms = 'NET15' | 'NET30' | 'NET60' | 'PREPAID';

/** A credit bureau profile (`Profile` in the README). */
export interface Profile {
  taxNumber: string;
  legalName: string;
  contact: { email: string; phone: string };
  currency: Currency;
  limit: number;
  exposure: number;
  score: number;
  riskBand: RiskBand;
  paymentTerms: PaymentTerms;
  reviewedAt: string;
}

export interface Ticket {
  id: number;
  subject: string;
  status: 'new' | 'open' | 'pending' | 'solved' | 'closed';
  priority: 'low' | 'normal' | 'high' | 'urgent';
  createdAt: string;
  updatedAt: string;
  solvedAt: string | null;
}

export interface Call {
  id: string;
  startedAt: string;
  callerNumber: string;
  durationSec: number;
  direction: 'inbound' | 'outbound';
  agent: string;
}

/** A help-desk requester (`Requester` in the README). */
export interface Requester {
  email: string;
  displayName: string;
  phone: string | null;
  tickets: Ticket[];
  calls: Call[];
}

export type ConsentState = 'subscribed' | 'unsubscribed' | 'bounced';

/** One campaign as it reached one subscriber. */
export interface CampaignSend {
  campaignId: string;
  name: string;
  sentAt: string;
  opened: boolean;
  /** The first open, or null if never opened. */
  openedAt: string | null;
  /** Link clicks; 0 unless opened. */
  clicks: number;
}

/** An e-mail marketing subscriber (`Subscriber` in the README; the summary is its first five fields). */
export interface Subscriber {
  id: string;
  email: string;
  phone: string | null;
  name: string;
  consent: { state: ConsentState; changedAt: string };
  createdAt: string;
  campaigns: CampaignSend[];
}

/**
 * The ground truth about a marketing lead: someone who subscribed but is no customer, so no
 * `Person` (the world's people are the customers the four default silos know). Their e-mail and
 * phone are unique across people and leads alike.
 */
export interface Lead {
  /** Stable within a world: `L-000001`, in generation order. */
  id: string;
  firstName: string;
  lastName: string;
  /** Lower case, no spaces. */
  email: string;
  /** E.164, US, or null if the lead gave none. */
  phone: string | null;
  keys: { marketing: string };
}

/** Everything one seed and scale produce: the ground truth and each silo's records. */
export interface World {
  seed: number;
  scale: number;
  /** The "now" of the world (midnight UTC, ISO): every past date is before it, overdue is judged at it. */
  epoch: string;
  people: Person[];
  catalogue: Product[];
  accounting: Account[];
  sales: Contact[];
  credit: Profile[];
  support: Requester[];
  /** Marketing's subscribers, in worlds generated `with: ['marketing']` only. */
  marketing?: Subscriber[];
  /** The subscribers that are no person, in worlds generated `with: ['marketing']` only. */
  leads?: Lead[];
}

/** Options of `generateWorld`. */
export interface WorldOptions {
  seed: number;
  /** Number of people, 1..100000. */
  scale: number;
  /** Optional silos to generate too (default none); the rest of the world is the same either way. */
  with?: readonly OptionalSiloName[];
}
