import { DAY_MS, isoTime } from './dates';
import type { Member } from './people';
import { callerId } from './phones';
import type { Rng } from './random';
import type { Call, Product, Requester, Ticket } from './types';

type Status = Ticket['status'];
type Priority = Ticket['priority'];

const SUBJECTS: readonly ((product: string) => string)[] = [
  (p) => `${p} stopped working`,
  (p) => `Question about ${p}`,
  (p) => `Return request: ${p}`,
  (p) => `${p} arrived damaged`,
  () => 'Invoice amount looks wrong',
  () => 'Cannot log in to my account',
  () => 'Please update my billing address',
  () => 'Delivery is late',
  () => 'Cancel my subscription',
  () => 'Charged twice this month',
];

/**
 * Writes the help-desk requesters of `members` (those in support), keyed by lower-case e-mail,
 * setting `keys.support`. Recent tickets are mostly still open, old ones mostly solved; calls
 * show the person's number as the phone system's caller id.
 */
export function generateRequesters(
  members: readonly Member[],
  rng: Rng,
  epoch: number,
  catalogue: readonly Product[],
): Requester[] {
  const agents = Array.from({ length: 24 }, () => rng.faker.person.fullName());
  const counters = { ticket: 10_000, call: 0 };
  const subjects = new Subjects(rng, catalogue);
  const requesters: Requester[] = [];
  for (const { person, silos } of members) {
    if (!silos.has('support')) continue;
    const hard = person.hardCase?.silo === 'support' ? person.hardCase : null;
    const email = hard?.kind === 'support-alternate-email' && hard.value ? hard.value : person.email;
    person.keys.support = email;
    const ticketCount = rng.weighted<number>([
      [0, 15],
      [1, 30],
      [2, 20],
      [3, 15],
      [4, 10],
      [6, 10],
    ]);
    const callCount = rng.weighted<number>([
      [0, 40],
      [1, 30],
      [2, 15],
      [3, 10],
      [5, 5],
    ]);
    const caller = callerId(person.phone);
    requesters.push({
      email,
      displayName: `${person.firstName} ${person.lastName}`.toLowerCase(),
      phone: hard?.kind === 'support-no-phone' ? null : person.phone,
      tickets: agesOldestFirst(rng, ticketCount).map((age) => ticket(rng, epoch, age, subjects, counters)),
      calls: agesOldestFirst(rng, callCount).map((age) => call(rng, epoch, age, caller, agents, counters)),
    });
  }
  return requesters;
}

/** Ages in seconds (up to 400 days), oldest first, so ids rise with time as a help desk numbers them. */
function agesOldestFirst(rng: Rng, count: number): number[] {
  return Array.from({ length: count }, () => rng.int(600, 400 * 86_400)).sort((a, b) => b - a);
}

/** Subjects, each built once and shared by every ticket that uses it. */
class Subjects {
  private readonly built = new Map<string, string>();

  constructor(
    private readonly rng: Rng,
    private readonly catalogue: readonly Product[],
  ) {}

  draw(): string {
    const template = this.rng.int(0, SUBJECTS.length - 1);
    const product = this.rng.pick(this.catalogue).description;
    const key = `${template}|${product}`;
    let subject = this.built.get(key);
    if (subject === undefined) {
      subject = SUBJECTS[template](product);
      this.built.set(key, subject);
    }
    return subject;
  }
}

function ticket(rng: Rng, epoch: number, ageSec: number, subjects: Subjects, counters: { ticket: number }): Ticket {
  const created = epoch - ageSec * 1000;
  const recent = ageSec < 14 * 86_400;
  const status = recent
    ? rng.weighted<Status>([
        ['new', 25],
        ['open', 35],
        ['pending', 20],
        ['solved', 15],
        ['closed', 5],
      ])
    : rng.weighted<Status>([
        ['open', 3],
        ['pending', 4],
        ['solved', 18],
        ['closed', 75],
      ]);
  // Every later timestamp is drawn inside the time left between creation and now.
  const within = (maxSec: number): number => created + rng.int(60, Math.max(60, Math.min(maxSec, ageSec))) * 1000;
  let updated = created;
  let solved: number | null = null;
  if (status === 'solved' || status === 'closed') {
    solved = within(10 * 86_400);
    updated = status === 'closed' ? Math.min(epoch, solved + 4 * DAY_MS) : solved;
  } else if (status !== 'new') {
    updated = within(7 * 86_400);
  }
  return {
    id: (counters.ticket += 1),
    subject: subjects.draw(),
    status,
    priority: rng.weighted<Priority>([
      ['low', 20],
      ['normal', 55],
      ['high', 20],
      ['urgent', 5],
    ]),
    createdAt: isoTime(created),
    updatedAt: isoTime(updated),
    solvedAt: solved === null ? null : isoTime(solved),
  };
}

function call(
  rng: Rng,
  epoch: number,
  ageSec: number,
  callerNumber: string,
  agents: readonly string[],
  counters: { call: number },
): Call {
  return {
    id: `CALL-${String((counters.call += 1)).padStart(6, '0')}`,
    startedAt: isoTime(epoch - ageSec * 1000),
    callerNumber,
    durationSec: rng.int(20, 1_800),
    direction: rng.chance(0.75) ? 'inbound' : 'outbound',
    agent: rng.pick(agents),
  };
}
