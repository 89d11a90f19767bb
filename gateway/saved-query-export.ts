import { once } from 'node:events';
import type { ServerResponse } from 'node:http';
import { stringify } from 'csv-stringify';
import type { FastifyInstance, FastifyReply } from 'fastify';
import {
  type GraphQLError,
  getNamedType,
  getNullableType,
  isInputObjectType,
  isListType,
  parseType,
  typeFromAST,
  type GraphQLFormattedError,
  type GraphQLInputType,
  type GraphQLSchema,
} from 'graphql';
import { badUserInput, ErrorCode, forbidden, hasHubCode, internalError, storeUnavailable } from '../schema/errors';
import type { Principal } from '../schema/principal';
import { EXPORT_PARAMETERS, type PreparedRun, type SavedQueries } from '../schema/saved-query';
import { cellsOf, planRows, rowsOf, type RowPlan } from '../schema/saved-query/rows';
import { isStoreUnavailable } from '../store/deadline';
import { principalOf } from './auth/hook';
import { PagesAhead } from './export-pages';
import type { HubLogger } from './logger';

/** The export route: `GET /queries/<name>`. */
export const EXPORT_ROUTE = '/queries/:name';

/** The query-string parameters the export itself reads; a saved query's variables are all the others. */
const RESERVED = new Set(EXPORT_PARAMETERS);

/**
 * Pages an export reads ahead of the one it writes, keeping the hub and the store both busy while
 * a page waits on the other and on the departments. Measured with bench/export.ts on two cores:
 * at 10,000 customers none 6.5 s, two 6.1 s, four 5.7 s (two runs each); at 100,000 two 63.7 s,
 * four 54.2 s. Four pages' rows are what it holds in memory, whatever the list's length.
 */
const PAGES_AHEAD = 4;

const FORMATS = {
  json: { type: 'application/json; charset=utf-8', extension: 'json' },
  ndjson: { type: 'application/x-ndjson; charset=utf-8', extension: 'ndjson' },
  csv: { type: 'text/csv; charset=utf-8', extension: 'csv' },
} as const;
type Format = keyof typeof FORMATS;

/** What the export needs from the hub. */
export interface SavedQueryExportOptions {
  savedQueries: () => SavedQueries | null;
  /** The graph served now: the variables' declared types are read in it. */
  schema: () => GraphQLSchema;
  /** Whether the caller may run saved queries (the policy's `Query.runSavedQuery`). */
  mayRun: (principal: Principal) => boolean;
  logger: HubLogger;
}

/** The HTTP status a client gets for an error given before the first byte, by its code. */
function statusOf(code: unknown): number {
  switch (code) {
    case ErrorCode.BAD_USER_INPUT:
    case ErrorCode.SAVED_QUERY_INVALID:
    case ErrorCode.QUERY_TOO_COMPLEX:
      return 400;
    case ErrorCode.FORBIDDEN:
      return 403;
    case ErrorCode.SAVED_QUERY_NOT_FOUND:
      return 404;
    case ErrorCode.UPSTREAM_UNAVAILABLE:
      return 502;
    case ErrorCode.SNAPSHOT_UNAVAILABLE:
    case ErrorCode.STORE_UNAVAILABLE:
    case ErrorCode.OVERLOADED:
      return 503;
    case ErrorCode.UPSTREAM_TIMEOUT:
    case ErrorCode.OPERATION_TIMEOUT:
      return 504;
    default:
      return 500;
  }
}

/** A hub error as the GraphQL response would give it (without `http`, which is the status here). */
function formatted(error: GraphQLError): GraphQLFormattedError {
  const { http, ...extensions } = error.extensions as Record<string, unknown>;
  void http;
  return { message: error.message, extensions };
}

/**
 * One query-string value as the JSON value its declared type reads: numbers and booleans from
 * their text, lists from repeated parameters (or one JSON array), input objects from JSON. What
 * does not convert is passed on as text, for GraphQL's own coercion to refuse by name.
 */
export function fromQueryString(raw: string | string[], type: GraphQLInputType, variable: string): unknown {
  const nullable = getNullableType(type);
  if (isListType(nullable)) {
    const items = Array.isArray(raw) ? raw : raw.trimStart().startsWith('[') ? parseJson(raw, variable) : [raw];
    if (!Array.isArray(items)) return items;
    const itemType = nullable.ofType;
    return (items as unknown[]).map((item) =>
      typeof item === 'string' ? fromQueryString(item, itemType, variable) : item,
    );
  }
  const text = Array.isArray(raw) ? raw[raw.length - 1] : raw;
  if (isInputObjectType(nullable)) return parseJson(text, variable);
  switch (getNamedType(nullable).name) {
    case 'Int':
    case 'Float':
      return /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(text) ? Number(text) : text;
    case 'Boolean':
      return text === 'true' ? true : text === 'false' ? false : text;
    default:
      return text;
  }
}

function parseJson(text: string, variable: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw badUserInput(`Variable "$${variable}" is not valid JSON: ${text.slice(0, 40)}`, variable);
  }
}

/** The export's own parameters, checked. */
function exportParameters(query: Record<string, string | string[]>) {
  const one = (name: string) => {
    const value = query[name];
    return Array.isArray(value) ? value[value.length - 1] : value;
  };
  const format = one('format') ?? 'json';
  if (!(format in FORMATS)) throw badUserInput(`format is json, ndjson or csv; got "${format.slice(0, 20)}"`, 'format');
  const versionText = one('version');
  const version = versionText === undefined ? null : Number(versionText);
  if (version !== null && (!Number.isInteger(version) || version < 1))
    throw badUserInput(`version is a whole number from 1; got "${versionText.slice(0, 20)}"`, 'version');
  const bom = one('bom');
  const limitText = one('limit');
  const limit = limitText === undefined ? null : Number(limitText);
  if (limit !== null && (!Number.isInteger(limit) || limit < 1))
    throw badUserInput(`limit is a whole number of rows from 1; got "${limitText.slice(0, 20)}"`, 'limit');
  return { format: format as Format, version, bom: bom === '1' || bom === 'true', limit };
}

/** Collects a run's errors: every one counted, the first few kept, the same one on every page kept once. */
class ErrorLog {
  count = 0;
  readonly kept: GraphQLFormattedError[] = [];
  private readonly seen = new Set<string>();

  add(errors: ReadonlyArray<GraphQLFormattedError> | undefined): void {
    for (const error of errors ?? []) {
      this.count += 1;
      const key = `${String(error.extensions?.code)} ${error.message}`;
      if (this.seen.has(key) || this.kept.length >= 20) continue;
      this.seen.add(key);
      this.kept.push(error);
    }
  }

  /** The trailer's value: how many, and their codes. */
  summary(): string {
    const codeOf = (error: GraphQLFormattedError) => {
      const code = error.extensions?.code;
      return typeof code === 'string' ? code : 'ERROR';
    };
    const codes = [...new Set(this.kept.map(codeOf))];
    return this.count === 0 ? '0' : `${this.count} (${codes.join(', ')})`;
  }
}

/** Writes rows in one format, waiting for the socket whenever it is full (constant memory). */
interface RowWriter {
  row(row: unknown): Promise<void>;
  /**
   * Ends the body; `errors` go where the format has room for them, and so does whether `limit`
   * cut the rows short (`truncated`).
   */
  end(errors: ErrorLog, truncated: boolean): Promise<void>;
}

/** The client closed the connection before the export's end. */
class ClientGone extends Error {}

/**
 * Waits for `emitter`'s `event`, or fails with ClientGone when the response closes first (a
 * client that went away emits no `drain`, and an export waiting for one would hang for ever).
 */
async function until(emitter: NodeJS.EventEmitter, event: string, res: ServerResponse): Promise<void> {
  if (res.destroyed) throw new ClientGone();
  const stop = new AbortController();
  try {
    await Promise.race([
      once(emitter, event, { signal: stop.signal }),
      once(res, 'close', { signal: stop.signal }).then(() => {
        throw new ClientGone();
      }),
    ]);
  } finally {
    stop.abort();
  }
}

async function write(res: ServerResponse, chunk: string): Promise<void> {
  if (!res.write(chunk)) await until(res, 'drain', res);
}

function rowWriter(format: Format, res: ServerResponse, plan: RowPlan, bom: boolean): RowWriter {
  if (format === 'csv') {
    const csv = stringify({ bom, header: true, columns: plan.columns.map((column) => column.name) });
    csv.pipe(res, { end: false });
    // A client gone mid-way unpipes the CSV: it is dropped rather than left holding its rows.
    res.once('close', () => csv.destroy());
    return {
      async row(row) {
        if (!csv.write(cellsOf(plan, row))) await until(csv, 'drain', res);
      },
      async end() {
        const ended = until(csv, 'end', res);
        csv.end();
        await ended;
      },
    };
  }
  if (format === 'ndjson')
    return {
      row: (row) => write(res, `${JSON.stringify(row)}\n`),
      end: async () => undefined,
    };
  // The columns come first: a reader (the console's table) knows them before the first row.
  const head = `{"columns":${JSON.stringify(plan.columns.map(({ name, path, json }) => ({ name, path, json })))},"data":[`;
  let first = true;
  return {
    async row(row) {
      await write(res, `${first ? head : ','}\n${JSON.stringify(row)}`);
      first = false;
    },
    async end(errors, truncated) {
      // `errors` keeps each distinct error once (the first 20); `errorCount` counts every one.
      const tail = `],"truncated":${truncated},"errorCount":${errors.count},"errors":${JSON.stringify(errors.kept)}}\n`;
      await write(res, `${first ? head : '\n'}${tail}`);
    },
  };
}

/**
 * `GET /queries/<name>?<variables>&format=json|ndjson|csv&version=N&bom=1&limit=N` runs a saved
 * query with the caller's roles and streams its rows (see `RowPlan` for the rule), at most `limit`. A query paged by `$after`
 * runs page after page, each written before the next is asked for, so memory stays flat however
 * many customers there are. Errors before the first byte (an unknown name or version, a missing or
 * mistyped variable, named, or a run with no rows at all) are a JSON body with a 4xx/5xx status.
 * Errors of a page (a denied field, a system down) are counted in the `Switchboard-Errors`
 * trailer, and listed in the body of the JSON format; a page that fails outright cuts the
 * transfer short (the client sees an incomplete response, never a short file that looks whole).
 */
export function registerSavedQueryExport(app: FastifyInstance, options: SavedQueryExportOptions): void {
  app.get<{ Params: { name: string }; Querystring: Record<string, string | string[]> }>(
    EXPORT_ROUTE,
    async (request, reply) => {
      const principal = principalOf(request);
      const refuse = (error: GraphQLError) =>
        reply.code(statusOf(error.extensions.code)).send({ errors: [formatted(error)] });
      let started: Started;
      try {
        if (!options.mayRun(principal)) throw forbidden('Your roles may not run saved queries');
        const savedQueries = options.savedQueries();
        if (!savedQueries) throw internalError('Saved queries are not available yet');
        const { format, version, bom, limit } = exportParameters(request.query);
        const saved = await savedQueries.find(request.params.name, version);
        const prepared = await savedQueries.prepare(
          request.params.name,
          version,
          variablesOf(saved, request.params.name, request.query, options.schema()),
          saved,
        );
        const plan = planRows(options.schema(), prepared.runnable.document, prepared.runnable.operation);
        refuseUnfollowedPages(request.params.name, plan, prepared.variables);
        const first = await runPage(savedQueries, prepared, plan, principal, null);
        if (first.failed) {
          const errors =
            first.errors.length > 0
              ? first.errors
              : [formatted(internalError('The list gave no cursor to its next page'))];
          return reply.code(statusOf(errors[0].extensions?.code)).send({ errors });
        }
        started = { prepared, plan, format, bom, limit, first };
      } catch (error) {
        if (hasHubCode(error)) return refuse(error);
        if (isStoreUnavailable(error)) return refuse(storeUnavailable(error as Error));
        // Nothing of the hub's own text reaches a client: it goes to the log.
        options.logger.error(`Export of saved query ${request.params.name} failed`, error);
        return refuse(internalError());
      }
      return stream(reply, started, options, principal);
    },
  );
}

/**
 * An export follows the pages of one root list. Another list paged by a variable would be
 * exported at its first page only, as if it had no more: refused, naming the variable, unless
 * the query string gives it (that page is then the one asked for).
 */
function refuseUnfollowedPages(name: string, plan: RowPlan, variables: Record<string, unknown>): void {
  const followed = plan.paging?.afterVariable;
  for (const { path, variable } of plan.otherPagedFields) {
    if (variable === followed)
      throw badUserInput(
        `Saved query "${name}" pages both ${plan.paging!.field} and ${path} by $${variable}: an export follows ` +
          'the pages of one root list, so give the other its own variable',
        variable,
      );
    if (!(variable in variables))
      throw badUserInput(
        `Saved query "${name}" lists ${path} a page at a time by $${variable}, which an export does not follow ` +
          `(it follows ${followed ? `the root list ${plan.paging!.field}` : 'no list'}); give ${variable}=<cursor> ` +
          'to export that one page, or run it with runSavedQuery',
        variable,
      );
  }
}

/** An export whose first page has answered: what the stream goes on with. */
interface Started {
  prepared: PreparedRun;
  plan: RowPlan;
  format: Format;
  bom: boolean;
  /** At most this many rows (`limit=N`), or every row. */
  limit: number | null;
  first: FirstPage;
}

interface FirstPage {
  rows: unknown[];
  data: Record<string, unknown> | null;
  errors: ReadonlyArray<GraphQLFormattedError>;
  next: string | null;
  totalCount: number | null;
  /**
   * The page failed as a whole (no data, or a null connection, with errors), or said it has a
   * next page without a cursor to it: what follows cannot be read, and the export must not end
   * as if the list ended here.
   */
  failed: boolean;
}

/** The variables of an export's query string, read by the types `saved` declares. */
function variablesOf(
  saved: PreparedRun['query'] | null,
  name: string,
  query: Record<string, string | string[]>,
  schema: GraphQLSchema,
): Record<string, unknown> {
  // A version saved before the export's names were reserved: its default applies, but a variable
  // it must be given never can be, here (runSavedQuery still runs it).
  const clash = saved?.variables.find((variable) => RESERVED.has(variable.name) && variable.required);
  if (clash)
    throw badUserInput(
      `Saved query "${name}" needs $${clash.name}, which this export reads as its own parameter: ` +
        'save a version that renames the variable, or run it with runSavedQuery',
      clash.name,
    );
  const declared = new Map((saved?.variables ?? []).map((variable) => [variable.name, variable.type]));
  const variables: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(query)) {
    if (RESERVED.has(key)) continue;
    const typeText = declared.get(key);
    const type = typeText ? typeFromAST(schema, parseType(typeText)) : undefined;
    // Undeclared names go through as they are, for `prepare` to refuse by name.
    variables[key] = type ? fromQueryString(raw, type as GraphQLInputType, key) : raw;
  }
  return variables;
}

async function runPage(
  savedQueries: SavedQueries,
  prepared: PreparedRun,
  plan: RowPlan,
  principal: Principal,
  after: string | null,
): Promise<FirstPage> {
  const variables = plan.paging ? { ...prepared.variables, [plan.paging.afterVariable]: after } : prepared.variables;
  const result = await savedQueries.run(prepared, principal, {
    variables,
    document: plan.paging?.document,
    bulk: true,
  });
  const data = result.data ?? null;
  const connection = plan.paging
    ? (data?.[plan.paging.field] as
        { pageInfo?: { hasNextPage?: boolean; endCursor?: string | null }; totalCount?: number } | null | undefined)
    : null;
  const errors = result.errors ?? [];
  const next = connection?.pageInfo?.hasNextPage ? (connection.pageInfo.endCursor ?? null) : null;
  const failed =
    (errors.length > 0 &&
      (data === null || (plan.paging !== null && (connection === null || connection === undefined)))) ||
    (connection?.pageInfo?.hasNextPage === true && next === null);
  return {
    rows: rowsOf(plan, data),
    data,
    errors,
    next,
    totalCount: typeof connection?.totalCount === 'number' ? connection.totalCount : null,
    failed,
  };
}

/**
 * The cursor that ends the page after `after`, from the list's `pageInfo` alone (see
 * `Paging.cursorDocument`); throws when the answer does not say, which only stops reading ahead.
 */
async function cursorAfter(
  savedQueries: SavedQueries,
  prepared: PreparedRun,
  plan: RowPlan,
  principal: Principal,
  after: string,
): Promise<string | null> {
  const paging = plan.paging!;
  const result = await savedQueries.run(prepared, principal, {
    variables: { ...prepared.variables, [paging.afterVariable]: after },
    document: paging.cursorDocument,
    bulk: true,
  });
  const connection = result.data?.[paging.field] as
    { pageInfo?: { hasNextPage?: boolean; endCursor?: string | null } } | null | undefined;
  const info = connection?.pageInfo;
  if ((result.errors?.length ?? 0) > 0 || !info || typeof info.hasNextPage !== 'boolean')
    throw new Error(`the list of ${paging.field} gave no page info after ${after}`);
  if (!info.hasNextPage) return null;
  if (!info.endCursor) throw new Error(`the list of ${paging.field} gave no cursor after ${after}`);
  return info.endCursor;
}

async function stream(
  reply: FastifyReply,
  started: Started,
  options: SavedQueryExportOptions,
  principal: Principal,
): Promise<void> {
  const { prepared, plan, format, first } = started;
  const savedQueries = options.savedQueries()!;
  const { name, version } = prepared.query;
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, {
    'content-type': FORMATS[format].type,
    'content-disposition': `attachment; filename="${name}-v${version}.${FORMATS[format].extension}"`,
    'cache-control': 'no-store',
    trailer: 'Switchboard-Errors',
    ...(first.totalCount !== null ? { 'x-total-count': String(first.totalCount) } : {}),
  });
  const errors = new ErrorLog();
  const writer = rowWriter(format, res, plan, started.bom);
  const began = Date.now();
  let page = first;
  let pages = 1;
  let rows = 0;
  const cursors = new Set<string>();
  const limit = started.limit ?? Infinity;
  const firstRows = Math.max(1, first.rows.length);
  const ahead = new PagesAhead<FirstPage>({
    readPage: (after) => runPage(savedQueries, prepared, plan, principal, after),
    readCursor: (after) => cursorAfter(savedQueries, prepared, plan, principal, after),
    ahead: PAGES_AHEAD,
    // Pages are as long as the first: past the limit's last one nothing is read ahead.
    wanted: (n) => (n - 1) * firstRows < limit,
  });
  let truncated = false;
  try {
    for (;;) {
      // The next page runs while this one is written.
      if (page.next) ahead.expect(page.next);
      errors.add(page.errors);
      for (const row of page.rows) {
        if (res.destroyed) throw new ClientGone();
        if (rows >= limit) {
          truncated = true;
          break;
        }
        await writer.row(row);
        rows += 1;
      }
      // At the limit a next page is not asked for, but its existence still means rows were left.
      if (rows >= limit && page.next) truncated = true;
      if (truncated || !page.next) break;
      if (res.destroyed) throw new ClientGone();
      // A cursor seen before would loop for ever: the list is not what paging assumes.
      if (cursors.has(page.next)) throw new Error(`the list of ${plan.paging!.field} gave the same cursor twice`);
      cursors.add(page.next);
      page = await ahead.take(page.next);
      pages += 1;
      if (page.failed) {
        const reason = page.errors[0]?.message ?? 'the list gave no cursor to its next page';
        throw new Error(`page ${pages} failed: ${reason}`);
      }
    }
    ahead.stop();
    await writer.end(errors, truncated);
    res.addTrailers({ 'Switchboard-Errors': errors.summary() });
    res.end();
    options.logger.info(
      `Exported saved query ${name} v${version} as ${format} for ${principal.name}: ${rows} rows, ${pages} pages, ` +
        `${errors.count} errors${truncated ? `, cut at limit=${limit}` : ''}, ${Date.now() - began} ms`,
    );
  } catch (error) {
    ahead.stop();
    if (error instanceof ClientGone) {
      options.logger.info(`Export of saved query ${name} v${version}: the client left after ${rows} rows`);
      return;
    }
    // The status is sent: the only honest signal left is a transfer that does not complete.
    options.logger.error(`Export of saved query ${name} v${version} stopped after ${rows} rows`, error);
    res.destroy(error as Error);
  }
}
