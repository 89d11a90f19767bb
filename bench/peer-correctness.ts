// How many department records the peer joins to the right customer, against the generator's
// ground truth (`Person.keys`). Pure: test/bench/peer-correctness.test.ts checks it by hand.

/** The departments a customer screen shows, in order. */
export const PEER_DEPARTMENTS = ['accounting', 'sales', 'credit', 'support'] as const;
export type PeerDepartment = (typeof PEER_DEPARTMENTS)[number];

/** Each department's key of one customer's record; missing when there is none (or none was joined). */
export type DepartmentKeys = Partial<Record<PeerDepartment, string | null>>;

/** One answer to score: the keys of the records the peer put together, and those it should have. */
export interface JoinedCustomer {
  /** The records the peer's answer holds for this customer (null: the answer has none). */
  joined: DepartmentKeys;
  /** The ground truth: the keys of this person's records, from `generateWorld().people[i].keys`. */
  truth: DepartmentKeys;
}

/** Counts for one department. */
export interface DepartmentScore {
  /** Records the ground truth has for the customers scored. */
  expected: number;
  /** Of those, joined to the right record. */
  correct: number;
  /** Expected but left out (the link found nothing). */
  missed: number;
  /** Joined to the wrong record, or a record where the customer has none. */
  wrong: number;
}

/** The score of a set of answers. */
export interface JoinScore {
  /** Customers scored. */
  customers: number;
  byDepartment: Record<PeerDepartment, DepartmentScore>;
  /** All departments together. */
  total: DepartmentScore;
  /** correct / expected, 0..1 (null when nothing was expected). */
  share: number | null;
}

const empty = (): DepartmentScore => ({ expected: 0, correct: 0, missed: 0, wrong: 0 });

/**
 * Scores joined records against the ground truth, department by department. Keys compare as the
 * silos issue them (`c-5f3a9b2e`, `12-3456789`, a lower-case e-mail): the peer's answer carries
 * the record's own key, so a right join is an exact match and anything else is wrong or missed.
 *
 * @example
 * scoreJoins([{ joined: { accounting: 'AC-1', support: null }, truth: { accounting: 'AC-1', support: 'a@b.c' } }]);
 * // accounting 1 of 1 correct, support 1 missed: share 0.5
 */
export function scoreJoins(answers: readonly JoinedCustomer[]): JoinScore {
  const byDepartment = Object.fromEntries(PEER_DEPARTMENTS.map((d) => [d, empty()])) as Record<
    PeerDepartment,
    DepartmentScore
  >;
  for (const { joined, truth } of answers) {
    for (const department of PEER_DEPARTMENTS) {
      const want = truth[department] ?? null;
      const got = joined[department] ?? null;
      const score = byDepartment[department];
      if (want !== null) score.expected += 1;
      if (want !== null && got === want) score.correct += 1;
      else if (want !== null && got === null) score.missed += 1;
      else if (got !== null) score.wrong += 1;
    }
  }
  const total = empty();
  for (const score of Object.values(byDepartment)) {
    total.expected += score.expected;
    total.correct += score.correct;
    total.missed += score.missed;
    total.wrong += score.wrong;
  }
  return {
    customers: answers.length,
    byDepartment,
    total,
    share: total.expected === 0 ? null : Number((total.correct / total.expected).toFixed(4)),
  };
}

/** The peer's customer as its documents select it (bench/peer-scenarios.ts): the records' own keys. */
export interface PeerCustomerAnswer {
  accountNumber: string;
  sales: { id: string; contact: { id: string } | null } | null;
  credit: { taxNumber: string; profile: { taxNumber: string } | null } | null;
  support: { email: string; requester: { email: string } | null } | null;
  /** Only in the correctness pass: support's batch keyed by the account's e-mail as typed. */
  supportByEmailBatch?: { email: string } | null;
}

/**
 * The keys of the records a peer answer holds. A search-then-batch link counts only when both
 * hops landed (the details are what the screen shows); the key is the detail record's own.
 */
export function joinedKeys(customer: PeerCustomerAnswer | null): DepartmentKeys {
  if (!customer) return { accounting: null, sales: null, credit: null, support: null };
  return {
    accounting: customer.accountNumber,
    sales: customer.sales?.contact?.id ?? null,
    credit: customer.credit?.profile?.taxNumber ?? null,
    support: customer.support?.requester?.email ?? null,
  };
}
