import { performance } from 'node:perf_hooks';
import {
  connectorsSelected,
  FILTER_QUERY,
  PAGE_QUERY,
  requestBody,
  ROOT_FIELDS_QUERY,
  SCREEN_POP_QUERY,
} from './documents';
import { runHttpLoad, runWorkerLoad, type LoadResult } from './load';
import { measureRow, skippedRow, type MeasuredRow, type RowSpec } from './measure';
import type { HubProcess } from './processes';
import { postGraphQL, type KnownCustomer, type Workload } from './workload';

/** What every scenario needs: the load settings, the silos and the hub under test. */
export interface ScenarioContext {
  hub: HubProcess;
  siloUrls: Record<string, string>;
  connectorNames: readonly string[];
  durationS: number;
  connections: number;
}

/** The scenarios' ids and names, as results.json and results.md show them. */
export const SCENARIOS = {
  screenPopCold: 'screen pop by phone, cold',
  screenPopWarm: 'screen pop by phone, warm',
  pageOf100: 'page of 100 customers, all departments',
  crossDepartmentFilter: 'cross-department filter from the repository',
  csvExport: 'saved-query CSV export of all customers',
} as const;

export type ScenarioId = keyof typeof SCENARIOS;

/** A screen pop answer is wrong with GraphQL errors or when the customer is not found. */
const screenPopOk = (body: string): boolean => !body.includes('"errors"') && !body.includes('"customerByPhone":null');
const noErrors = (body: string): boolean => !body.includes('"errors"');

function screenPopBodies(customers: readonly KnownCustomer[]): string[] {
  return customers.map((customer) => requestBody(SCREEN_POP_QUERY, { phone: customer.phones[0] }));
}

/** The cold screen pop load: each customer's phone once, in order (also run under the profiler). */
export function screenPopColdLoad(
  ctx: ScenarioContext,
  customers: readonly KnownCustomer[],
): () => Promise<LoadResult> {
  const bodies = screenPopBodies(customers);
  return () =>
    runHttpLoad({
      url: ctx.hub.url,
      connections: ctx.connections,
      durationS: ctx.durationS,
      bodies,
      verify: screenPopOk,
    });
}

/** What every scenario row shares: the hub and silos it ran against, and the connectors its document touches. */
function against(ctx: ScenarioContext, document: string): Pick<RowSpec, 'connectorsTouched' | 'hub' | 'siloUrls'> {
  return {
    connectorsTouched: connectorsSelected(document, ctx.connectorNames).length,
    hub: ctx.hub,
    siloUrls: ctx.siloUrls,
  };
}

/**
 * Scenario 1: each request a different customer's phone, never repeated, so nothing it reads
 * can already be in the repository's cache. Bounded by time and by the phones available.
 */
export function screenPopCold(
  ctx: ScenarioContext,
  customers: readonly KnownCustomer[],
  idSuffix = '',
): Promise<MeasuredRow> {
  return measureRow(
    {
      id: `screenPopCold${idSuffix}`,
      name: SCENARIOS.screenPopCold,
      ...against(ctx, SCREEN_POP_QUERY),
    },
    screenPopColdLoad(ctx, customers),
  );
}

/**
 * Asks for each warm customer once, so the repository holds them all fresh before the warm load.
 * Resolves to the number of priming answers that failed (0 when all is well).
 */
export async function primeWarmSet(ctx: ScenarioContext, customers: readonly KnownCustomer[]): Promise<number> {
  const result = await runWorkerLoad({
    workers: ctx.connections,
    durationS: 600,
    inputs: screenPopBodies(customers),
    operation: async (body) => (await postGraphQL<{ errors?: unknown }>(ctx.hub.url, body)).errors === undefined,
  });
  return result.failed;
}

/** The warm screen pop load: the same customers over and over (also run under the profiler). */
export function screenPopWarmLoad(
  ctx: ScenarioContext,
  customers: readonly KnownCustomer[],
  headers?: Record<string, string>,
): () => Promise<LoadResult> {
  const once = screenPopBodies(customers);
  // Enough bodies for the whole duration at any plausible rate; repeats are the point here.
  const bodies = Array.from({ length: ctx.durationS * 20_000 }, (_, i) => once[i % once.length]);
  return () =>
    runHttpLoad({
      url: ctx.hub.url,
      connections: ctx.connections,
      durationS: ctx.durationS,
      bodies,
      verify: screenPopOk,
      headers,
    });
}

/**
 * Diagnostic: the warm screen pop with `Cache-Control: no-cache`, so every request executes and
 * reads its (fresh) records through the in-memory layer and the repository rather than being a
 * replay from the hub's response cache.
 */
export function screenPopWarmExecuted(ctx: ScenarioContext, customers: readonly KnownCustomer[]): Promise<MeasuredRow> {
  return measureRow(
    {
      id: 'screenPopWarmExecuted',
      name: `${SCENARIOS.screenPopWarm}, executed (Cache-Control: no-cache)`,
      ...against(ctx, SCREEN_POP_QUERY),
      note: `${customers.length} customers already warm; every request executed, none replayed from the response cache`,
    },
    screenPopWarmLoad(ctx, customers, { 'cache-control': 'no-cache' }),
  );
}

/**
 * Scenario 2: prime the repository with a fixed set of customers, then query that set over and
 * over for the whole duration.
 */
export async function screenPopWarm(
  ctx: ScenarioContext,
  customers: readonly KnownCustomer[],
  idSuffix = '',
): Promise<MeasuredRow> {
  const primingFailures = await primeWarmSet(ctx, customers);
  return measureRow(
    {
      id: `screenPopWarm${idSuffix}`,
      name: SCENARIOS.screenPopWarm,
      ...against(ctx, SCREEN_POP_QUERY),
      note:
        `${customers.length} customers, primed once before the load` +
        (primingFailures > 0 ? ` (${primingFailures} priming answers failed: those were not warm)` : ''),
    },
    screenPopWarmLoad(ctx, customers),
  );
}

/**
 * Scenario 3: pages of 100 customers with all departments, each page asked once (bounded by the
 * number of pages), so what one page costs upstream shows plainly: one request per department.
 * `warm`: the same pages again, each executed (`Cache-Control: no-cache`, past the response
 * cache), once the cold pass has left their records in the repository and in memory.
 */
export function pageOf100(
  ctx: ScenarioContext,
  pageCursors: Workload['pageCursors'],
  idSuffix = '',
  warm = false,
): Promise<MeasuredRow> {
  return measureRow(
    {
      id: `pageOf100${warm ? 'Warm' : ''}${idSuffix}`,
      name: warm ? `${SCENARIOS.pageOf100}, warm, executed` : SCENARIOS.pageOf100,
      ...against(ctx, PAGE_QUERY),
      note: warm
        ? `the same ${pageCursors.length} pages again, each asked once with Cache-Control: no-cache`
        : `${pageCursors.length} distinct pages, each asked once`,
    },
    () =>
      runHttpLoad({
        url: ctx.hub.url,
        connections: ctx.connections,
        durationS: ctx.durationS,
        bodies: pageCursors.map((after) => requestBody(PAGE_QUERY, { after })),
        verify: noErrors,
        headers: warm ? { 'cache-control': 'no-cache' } : undefined,
      }),
  );
}

interface RootFields {
  data?: { __type: { fields: Array<{ name: string; args: Array<{ name: string }> }> } | null };
}

/** Whether the hub's schema has `customers(filter:)` yet (by introspection). */
export async function hubHasFilter(hubUrl: string): Promise<boolean> {
  const answer = await postGraphQL<RootFields>(hubUrl, requestBody(ROOT_FIELDS_QUERY));
  const customers = answer.data?.__type?.fields.find((field) => field.name === 'customers');
  return customers?.args.some((arg) => arg.name === 'filter') ?? false;
}

/**
 * Scenario 4: the cross-department filter, answered from the customer-360 snapshot in the
 * repository. The hub builds that snapshot on demand (`npm run sync`, or a schedule), so the
 * benchmark has it built first, through the hub process; building it reads every department for
 * every customer (and refreshes their cached records), which is why this runs after the cold,
 * warm and page scenarios.
 */
export async function crossDepartmentFilter(ctx: ScenarioContext): Promise<MeasuredRow> {
  if (!(await hubHasFilter(ctx.hub.url))) {
    return skippedRow(
      'crossDepartmentFilter',
      SCENARIOS.crossDepartmentFilter,
      'not built yet: the hub schema has no customers(filter:) argument',
    );
  }
  const started = performance.now();
  const report = JSON.parse(await ctx.hub.buildSnapshots()) as { customers?: number; batches?: number };
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  // Every request a different threshold (1,000.00, 1,000.01, ...), so none is a repeat the hub's
  // response cache could answer: this measures the filter read from the repository itself.
  const bodies = Array.from({ length: ctx.durationS * 20_000 }, (_, i) =>
    requestBody(FILTER_QUERY, { overdueAbove: 1000 + i / 100 }),
  );
  return measureRow(
    {
      id: 'crossDepartmentFilter',
      name: SCENARIOS.crossDepartmentFilter,
      ...against(ctx, FILTER_QUERY),
      note: `customer-360 snapshot of ${report.customers} customers built first, in ${seconds} s (${report.batches} batches)`,
    },
    () =>
      runHttpLoad({
        url: ctx.hub.url,
        connections: ctx.connections,
        durationS: ctx.durationS,
        bodies,
        verify: noErrors,
      }),
  );
}
