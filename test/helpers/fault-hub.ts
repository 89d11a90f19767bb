import { SCREEN_POP_QUERY } from '../../connectors';
import type { Person, Profile } from '../../silos';
import { startTestHub, type GraphQLResponse, type TestHub, type TestHubOptions } from './hub';
import { forwardTo, startMisbehavingSystem, type Fault, type MisbehavingSystem } from './misbehaving-system';

/** The seed whose first three customers are credit, not credit, credit: a list with failures on both sides of a good item. */
export const FAULT_SEED = 5;
/** The list items (of `customers(first: 3)`, seed 5) that have a credit profile. */
export const CREDITED_ITEMS = [0, 2];

/** A small list asking only the faulty department. */
export const CREDIT_LIST_QUERY = /* GraphQL */ `
  query CreditList {
    customers(first: 3) {
      nodes {
        id
        links {
          system
          key
        }
        credit {
          taxNumber
          legalName
          limit
          score
        }
      }
    }
  }
`;

/** The screen pop's credit selection (see `SCREEN_POP_QUERY`). */
export interface ScreenPopCredit {
  limit: number;
  available: number;
  score: number;
  riskBand: string;
  terms: string;
}

/** The screen pop as a client reads it. */
export type ScreenPopData = {
  customerByPhone: {
    id: string;
    accounting: unknown;
    sales: unknown;
    credit: ScreenPopCredit | null;
    support: unknown;
  };
};

/** A list item's credit. */
export interface ListCredit {
  taxNumber: string;
  legalName: string;
  limit: number;
  score: number;
}

/** The list as a client reads it. */
export type CreditListData = {
  customers: { nodes: Array<{ id: string; links: Array<{ system: string; key: string }>; credit: ListCredit | null }> };
};

/** One GraphQL request as the client saw it, and how many requests it cost the misbehaving system. */
export interface Answer<T> {
  status: number;
  body: GraphQLResponse<T>;
  reached: number;
}

/** A real hub whose credit connector talks to a misbehaving system standing in front of the real credit silo. */
export interface FaultHub {
  t: TestHub;
  system: MisbehavingSystem;
  /** Every request to the system misbehaves as `fault` (or as the function answers), until `behave()`. */
  misbehave(fault: Fault | MisbehavingSystem['fallback']): void;
  /** What the system answers when it behaves: the real credit silo's answer. */
  readonly forward: MisbehavingSystem['fallback'];
  /** The system answers as the real credit silo does again: listening, nothing held, forwarding. */
  behave(): Promise<void>;
  /** The system refuses connections (is down) until `behave()`. */
  down(): Promise<void>;
  screenPop(phone: string): Promise<Answer<ScreenPopData>>;
  creditList(): Promise<Answer<CreditListData>>;
  /** The real credit silo's own profiles for these tax numbers, by tax number. */
  truth(taxNumbers: readonly string[]): Promise<Map<string, Profile>>;
  close(): Promise<void>;
}

/** Starts the misbehaving system and a hub (seed 5, scale 200) with `credit` pointed at it, forwarding to the real silo. */
export async function startFaultHub(options: TestHubOptions): Promise<FaultHub> {
  const system = await startMisbehavingSystem();
  let forward: MisbehavingSystem['fallback'] = system.fallback;
  let t: TestHub;
  try {
    t = await startTestHub({
      seed: FAULT_SEED,
      scale: 200,
      responseCache: { maxEntries: 0 },
      ...options,
      syncOnStart: 'never',
      urls: (silos) => {
        system.fallback = forward = forwardTo(silos.urls.credit);
        return { credit: system.url };
      },
    });
  } catch (error) {
    await system.close();
    throw error;
  }
  try {
    await buildIdentityMap(t);
  } catch (error) {
    await t.close();
    await system.close();
    throw error;
  }
  let listening = true;
  const ask = async <T>(document: string, variables?: Record<string, unknown>): Promise<Answer<T>> => {
    const before = system.requests;
    const response = await t.post(document, variables);
    const body = (await response.json()) as GraphQLResponse<T>;
    return { status: response.status, body, reached: system.requests - before };
  };
  return {
    t,
    system,
    misbehave(fault) {
      system.fallback = typeof fault === 'function' ? fault : () => fault;
    },
    get forward() {
      return forward;
    },
    async behave() {
      system.fallback = forward;
      system.releaseHeld();
      if (!listening) await system.up();
      listening = true;
    },
    async down() {
      listening = false;
      await system.down();
    },
    screenPop: (phone) => ask<ScreenPopData>(SCREEN_POP_QUERY, { phone }),
    creditList: () => ask<CreditListData>(CREDIT_LIST_QUERY),
    async truth(taxNumbers) {
      const response = await fetch(`${t.silos.urls.credit}/profiles/lookup`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ taxNumbers }),
      });
      const { results } = (await response.json()) as { results: Profile[] };
      return new Map(results.map((profile) => [profile.taxNumber, profile]));
    },
    async close() {
      await t.close();
      await system.close();
    },
  };
}

/**
 * Syncs identities with the system behaving. The sync is set-up here, not the subject: on a
 * loaded machine a directory page may miss the short deadline the faults are tested with, so a
 * sync that failed is run again, at most three times in all (each try awaited, no waiting between).
 */
async function buildIdentityMap(t: TestHub): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      await t.hub.syncIdentities();
      return;
    } catch (error) {
      if (attempt === 3) throw error;
    }
  }
}

/** People every department knows, without a hard case: screen pop callers. */
export function everywhere(t: TestHub): Person[] {
  return t.silos.world.people.filter(
    (p) => p.hardCase === null && p.keys.accounting && p.keys.sales && p.keys.credit && p.keys.support,
  );
}

/** A profile as the screen pop selects it: the silo's own record, `available` being limit minus exposure. */
export function asScreenPopCredit(profile: Profile): ScreenPopCredit {
  return {
    limit: profile.limit,
    available: profile.limit - profile.exposure,
    score: profile.score,
    riskBand: profile.riskBand,
    terms: profile.paymentTerms,
  };
}

/** A profile as the list selects it. */
export function asListCredit(profile: Profile): ListCredit {
  return { taxNumber: profile.taxNumber, legalName: profile.legalName, limit: profile.limit, score: profile.score };
}

/** The errors as a client compares them: path, message and extensions (locations left out), in path order. */
export function publicErrors(body: GraphQLResponse<unknown>) {
  return (body.errors ?? [])
    .map(({ path, message, extensions }) => ({ path, message, extensions }))
    .sort((a, b) => JSON.stringify(a.path).localeCompare(JSON.stringify(b.path)));
}

/** The one error a screen pop gets for a failing credit department. */
export function screenPopError(code: string, message: string, extensions: Record<string, unknown> = {}) {
  return { path: ['customerByPhone', 'credit'], message, extensions: { code, connector: 'credit', ...extensions } };
}

/** One error per credited list item, each at its own index. */
export function listErrors(code: string, message: string, extensions: Record<string, unknown> = {}) {
  return CREDITED_ITEMS.map((index) => ({
    path: ['customers', 'nodes', index, 'credit'],
    message,
    extensions: { code, connector: 'credit', ...extensions },
  }));
}

/** What of the hub's insides shows in the errors: hosts, URLs, ports, stack frames, library names. */
export function internalText(body: GraphQLResponse<unknown>, system: MisbehavingSystem): string[] {
  const text = JSON.stringify(body.errors ?? []);
  const port = new URL(system.url).port;
  const patterns = [/127\.0\.0\.1|localhost/g, /https?:\/\//g, /\bat \S+ \(/g, /stack/gi, /axios|cockatiel|zod/gi];
  return [...patterns.flatMap((pattern) => text.match(pattern) ?? []), ...(text.includes(`:${port}`) ? [port] : [])];
}
