import { DIRECTORY_QUERY, requestBody } from './documents';

/** A customer as the hub's identity map knows them. */
export interface KnownCustomer {
  id: string;
  phones: string[];
  links: Array<{ system: string; key: string }>;
}

/** Everything a run needs to know about the customers before it sends load. */
export interface Workload {
  customers: KnownCustomer[];
  /** The `after` argument of every page of 100, in order (null for the first). */
  pageCursors: Array<string | null>;
  /** Customers linked in every department, with a phone: cold screen pops, never repeated. */
  cold: KnownCustomer[];
  /** Held back from `cold` for a profiled re-run of the cold scenario (still never queried). */
  coldReserve: KnownCustomer[];
  /** Held back from `cold` for the one-connection (unloaded) cold run. */
  coldUnloaded: KnownCustomer[];
  /**
   * Held back from `cold` for the run under 50 connections, so its p99 rests on hundreds of
   * requests however many the first cold run got through (it once had 52 left).
   */
  coldFifty: KnownCustomer[];
  /** The fixed set the warm scenario primes and then queries over and over. */
  warm: KnownCustomer[];
}

interface DirectoryPage {
  data?: { customers: { pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: KnownCustomer[] } };
  errors?: Array<{ message: string }>;
}

/** Posts one GraphQL document to a hub and returns the parsed answer; throws on HTTP errors. */
export async function postGraphQL<T>(url: string, body: string, headers: Record<string, string> = {}): Promise<T> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  if (!response.ok)
    throw new Error(`${url} answered HTTP ${response.status}: ${(await response.text()).slice(0, 200)}`);
  return (await response.json()) as T;
}

/**
 * Reads the whole identity map through the hub (identity only: no department is asked), in
 * pages of 100, so the benchmark uses the customers, phones and keys the hub itself linked,
 * and every page's cursor for the page-of-100 scenario.
 */
export async function discoverCustomers(hubUrl: string): Promise<Pick<Workload, 'customers' | 'pageCursors'>> {
  const customers: KnownCustomer[] = [];
  const pageCursors: Array<string | null> = [];
  let after: string | null = null;
  for (;;) {
    pageCursors.push(after);
    const page: DirectoryPage = await postGraphQL<DirectoryPage>(hubUrl, requestBody(DIRECTORY_QUERY, { after }));
    if (!page.data) throw new Error(`Reading the customers failed: ${page.errors?.[0]?.message ?? 'no data'}`);
    customers.push(...page.data.customers.nodes);
    if (!page.data.customers.pageInfo.hasNextPage) break;
    after = page.data.customers.pageInfo.endCursor;
  }
  return { customers, pageCursors };
}

/**
 * Splits the customers into the scenarios' inputs. Only customers every department knows are
 * screen-popped, so each screen pop really asks all four systems and matches the floor, which
 * calls all four; the split is deterministic (hub-id order), so the naive hub gets the same one.
 */
export function planWorkload(
  found: Pick<Workload, 'customers' | 'pageCursors'>,
  connectorNames: readonly string[],
): Workload {
  const complete = found.customers.filter(
    (customer) =>
      customer.phones.length > 0 && connectorNames.every((name) => customer.links.some((link) => link.system === name)),
  );
  if (complete.length < 30) {
    throw new Error(
      `Only ${complete.length} customers are known to every department (30 needed); use a larger --scale (200 or more).`,
    );
  }
  const warmSize = Math.min(200, Math.max(5, Math.floor(complete.length * 0.1)));
  const reserveSize = Math.max(5, Math.floor(complete.length * 0.15));
  const unloadedSize = Math.max(5, Math.floor(complete.length * 0.1));
  const fiftySize = Math.max(5, Math.floor(complete.length * 0.15));
  let at = 0;
  const take = (size: number) => complete.slice(at, (at += size));
  return {
    ...found,
    warm: take(warmSize),
    coldReserve: take(reserveSize),
    coldUnloaded: take(unloadedSize),
    coldFifty: take(fiftySize),
    cold: complete.slice(at),
  };
}
