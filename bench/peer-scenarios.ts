// The peer's scenarios (bench/README.md, "The peer"): the same three screens as the hub's, in
// the peer's own schema, each answer checked, and a correctness pass against the ground truth.
import type { Person } from '../silos';
import { runHttpLoad, runWorkerLoad } from './load';
import { measureRow, type MeasuredRow } from './measure';
import {
  joinedKeys,
  scoreJoins,
  type DepartmentScore,
  type JoinedCustomer,
  type JoinScore,
  type PeerCustomerAnswer,
} from './peer-correctness';
import type { PeerProcess } from './peer-process';
import { postGraphQL } from './workload';

// What the hub's screen pop shows (SCREEN_POP_QUERY), in the peer's schema: the accounting record
// the phone finds, and what each link joins to it. Every linked record selects its own key, which
// is what the correctness pass scores.
const SCREEN_POP_SELECTION = /* GraphQL */ `
  accountNumber
  name
  email
  phone
  taxId
  account {
    balanceMinor
    overdueMinor
    currency
    invoices {
      number
      totalMinor
      dueOn
      status
    }
  }
  sales {
    id
    contact {
      id
      lifetimeValue
      orders {
        orderId
        placedAt
        total
        lines {
          sku
          qty
        }
      }
    }
  }
  credit {
    taxNumber
    profile {
      taxNumber
      limit
      exposure
      score
      riskBand
      paymentTerms
    }
  }
  support {
    email
    requester {
      email
      tickets {
        id
        subject
        priority
        status
        createdAt
      }
    }
  }
`;

/** The links bench/peer/mesh.config.mjs declares, in words, for results.md. */
export const PEER_LINKS = [
  'entry: accounting `GET /accounts/search?phone=` (screen pop) or `GET /accounts` (pages of 100); a customer is an accounting account',
  'account -> accounting `POST /accounts/batch` by account number: `@resolveTo` batched (`keysArg: "input.accountNumbers"`, `valueKeyField: "accountNumber"`)',
  "account -> sales `GET /contacts/search?email=` with the account's e-mail, first match (`@resolveTo`, one request per account: sales has no batch by e-mail), " +
    'then -> `POST /contacts/batch` by contact id, batched (`keysArg: "input.ids"`, `valueKeyField: "id"`)',
  "account -> credit `GET /profiles/search?email=` with the account's e-mail, first match (one request per account), then -> `POST /profiles/lookup` by tax number, batched. " +
    "The account's own `taxId` cannot key the batch: it is `123456789` where credit answers `12-3456789`, and batched links compare keys byte for byte (and a null `taxId` would fail the whole batch)",
  'account -> support `POST /requesters/batch` by the account\'s e-mail, batched (`keysArg: "input.emails"`, `valueKeyField: "email"`): support answers the lower-case e-mail, so an account e-mail typed in another case joins nothing',
];

/** The screen pop by phone: accounting's phone search is the peer's way in (no identity map). */
export const PEER_SCREEN_POP_QUERY = /* GraphQL */ `
  query PeerScreenPop($phone: queryInput_accounts_search_phone!) {
    accounts_search(phone: $phone) {
      accounts {
        ${SCREEN_POP_SELECTION}
      }
    }
  }
`;

/** A page of 100 customers with all departments: accounting's directory, each account joined. */
const pageQuery = (extra = '') => /* GraphQL */ `
  query PeerPage($cursor: String) {
    accounts(limit: 100, cursor: $cursor) {
      nextCursor
      items {
        accountNumber
        name
        account {
          balanceMinor
        }
        sales {
          id
          contact {
            id
            lifetimeValue
          }
        }
        credit {
          taxNumber
          profile {
            taxNumber
            riskBand
          }
        }
        support {
          email
          requester {
            email
            tickets {
              status
            }
          }
        }
        ${extra}
      }
    }
  }
`;
export const PEER_PAGE_QUERY = pageQuery();
/** The page as the correctness pass asks it: also support's direct batch by the e-mail as typed. */
const SCORED_PAGE_QUERY = pageQuery('supportByEmailBatch { email }');

/** Only the cursors, to know every page before the load (no link is resolved). */
const PEER_CURSORS_QUERY = /* GraphQL */ `
  query PeerCursors($cursor: String) {
    accounts(limit: 100, cursor: $cursor) {
      nextCursor
    }
  }
`;

/** The peer's inputs, from the ground truth rather than from the hub's identity map. */
export interface PeerWorkload {
  /** People every department knows: screen-popped once each, by their own phone. */
  cold: Person[];
  /** The fixed set the warm screen pop repeats (and the screen-pop correctness pass scores). */
  warm: Person[];
  people: readonly Person[];
}

/**
 * Splits the world's people like the hub's workload: only people every department knows are
 * screen-popped, so each screen pop should join four records; the warm set as large as the hub's.
 */
export function planPeerWorkload(people: readonly Person[]): PeerWorkload {
  const complete = people.filter((p) => p.keys.accounting && p.keys.sales && p.keys.credit && p.keys.support);
  const warmSize = Math.min(200, Math.max(5, Math.floor(complete.length * 0.1)));
  return { warm: complete.slice(0, warmSize), cold: complete.slice(warmSize), people };
}

const body = (query: string, variables: Record<string, unknown>) => JSON.stringify({ query, variables });
const screenPopBody = (person: Person) => body(PEER_SCREEN_POP_QUERY, { phone: person.phone });

// The shape check under load: 200 with no errors (any HTTP error of a silo is a GraphQL error,
// see prepareForMesh) and the customer found. Correctness is scored separately, not under load.
const screenPopOk = (answer: string): boolean => !answer.includes('"errors"') && answer.includes('"accounts":[{');
const pageOk = (answer: string): boolean => !answer.includes('"errors"') && answer.includes('"items":[{');

interface ScreenPopAnswer {
  data?: { accounts_search: { accounts: PeerCustomerAnswer[] } | null };
  errors?: unknown[];
}
interface PageAnswer {
  data?: { accounts: { nextCursor: string | null; items?: PeerCustomerAnswer[] } | null };
  errors?: unknown[];
}

const truthOf = (person: Person | undefined) => ({
  accounting: person?.keys.accounting ?? null,
  sales: person?.keys.sales ?? null,
  credit: person?.keys.credit ?? null,
  support: person?.keys.support ?? null,
});

/** Every page's `cursor` argument, in order (null for the first). */
export async function peerPageCursors(peer: PeerProcess): Promise<Array<string | null>> {
  const cursors: Array<string | null> = [];
  let cursor: string | null = null;
  for (;;) {
    cursors.push(cursor);
    const answer: PageAnswer = await postGraphQL<PageAnswer>(peer.url, body(PEER_CURSORS_QUERY, { cursor }));
    if (!answer.data?.accounts) throw new Error(`The peer's directory failed: ${JSON.stringify(answer.errors)}`);
    cursor = answer.data.accounts.nextCursor;
    if (cursor === null) return cursors;
  }
}

/** The correctness of the peer's joins, on the screens it serves. */
export interface PeerCorrectness {
  /** Screen pops of the warm set, by each person's own phone. */
  screenPop: JoinScore & { notFound: number };
  /** Every page of the directory. */
  pages: JoinScore & { peopleNotListed: number };
  /**
   * Support on every page through its batch keyed by the account's e-mail as typed (the link a
   * first config would declare), instead of the search the measured documents use.
   */
  supportByEmailBatch: DepartmentScore;
}

/**
 * Asks every warm person's screen pop and every page once, untimed, and scores the records each
 * answer joined against the ground truth. A screen pop that finds no account scores every
 * department as missed; a page lists only accounting's customers, so people accounting does not
 * know are counted as not listed.
 */
export async function scorePeer(
  peer: PeerProcess,
  workload: PeerWorkload,
  cursors: ReadonlyArray<string | null>,
  connections: number,
): Promise<PeerCorrectness> {
  const popped: JoinedCustomer[] = [];
  let notFound = 0;
  await runWorkerLoad({
    workers: connections,
    durationS: 600,
    inputs: workload.warm,
    operation: async (person) => {
      const answer = await postGraphQL<ScreenPopAnswer>(peer.url, screenPopBody(person));
      const customer = answer.data?.accounts_search?.accounts[0] ?? null;
      if (!customer) notFound += 1;
      popped.push({ joined: joinedKeys(customer), truth: truthOf(person) });
      return answer.errors === undefined;
    },
  });
  const byAccount = new Map(workload.people.filter((p) => p.keys.accounting).map((p) => [p.keys.accounting!, p]));
  const listed: JoinedCustomer[] = [];
  const batchedSupport: JoinedCustomer[] = [];
  const failures = await runWorkerLoad({
    workers: connections,
    durationS: 600,
    inputs: cursors,
    operation: async (cursor) => {
      const answer = await postGraphQL<PageAnswer>(peer.url, body(SCORED_PAGE_QUERY, { cursor }));
      for (const item of answer.data?.accounts?.items ?? []) {
        const truth = truthOf(byAccount.get(item.accountNumber));
        listed.push({ joined: joinedKeys(item), truth });
        batchedSupport.push({
          joined: { support: item.supportByEmailBatch?.email ?? null },
          truth: { support: truth.support },
        });
      }
      return answer.errors === undefined;
    },
  });
  if (failures.failed > 0) throw new Error(`The peer failed ${failures.failed} pages: ${failures.firstFailure}`);
  return {
    screenPop: { ...scoreJoins(popped), notFound },
    pages: { ...scoreJoins(listed), peopleNotListed: workload.people.length - byAccount.size },
    supportByEmailBatch: scoreJoins(batchedSupport).byDepartment.support,
  };
}

/** Where the peer's rows go and what they compare with. */
export interface PeerContext {
  peer: PeerProcess;
  siloUrls: Record<string, string>;
  durationS: number;
  connections: number;
}

const row = (ctx: PeerContext, id: string, name: string, note: string) => ({
  id,
  name: `peer (Hive Gateway + Mesh): ${name}`,
  connectorsTouched: 4,
  hub: ctx.peer,
  store: false,
  siloUrls: ctx.siloUrls,
  note,
});

/** The run's load (connections, duration) against the peer, every answer checked by `verify`. */
function loadPeer(
  ctx: PeerContext,
  bodies: Parameters<typeof runHttpLoad>[0]['bodies'],
  verify: Parameters<typeof runHttpLoad>[0]['verify'],
): ReturnType<typeof runHttpLoad> {
  return runHttpLoad({ url: ctx.peer.url, connections: ctx.connections, durationS: ctx.durationS, bodies, verify });
}

/** The cold screen pop: each person's phone once, never repeated. */
export function peerScreenPopCold(ctx: PeerContext, people: readonly Person[]): Promise<MeasuredRow> {
  const bodies = people.map(screenPopBody);
  return measureRow(
    row(ctx, 'peerScreenPopCold', 'screen pop by phone, cold', 'accounting phone search, then the links'),
    () => loadPeer(ctx, bodies, screenPopOk),
  );
}

/** The warm screen pop: the warm set over and over (the peer caches nothing, so it executes every time). */
export function peerScreenPopWarm(ctx: PeerContext, people: readonly Person[]): Promise<MeasuredRow> {
  const once = people.map(screenPopBody);
  const bodies = Array.from({ length: ctx.durationS * 20_000 }, (_, i) => once[i % once.length]);
  return measureRow(
    row(
      ctx,
      'peerScreenPopWarm',
      'screen pop by phone, warm',
      `${people.length} people over and over; no response cache configured`,
    ),
    () => loadPeer(ctx, bodies, screenPopOk),
  );
}

/** A page of 100 with all departments: every page of accounting's directory once. */
export function peerPageOf100(ctx: PeerContext, cursors: ReadonlyArray<string | null>): Promise<MeasuredRow> {
  const bodies = cursors.map((cursor) => body(PEER_PAGE_QUERY, { cursor }));
  return measureRow(
    row(
      ctx,
      'peerPageOf100',
      'page of 100 customers, all departments',
      `${cursors.length} distinct pages of accounting's directory, each asked once`,
    ),
    () => loadPeer(ctx, bodies, pageOk),
  );
}
