// What the console asks the hub, and what it gets back: the GraphQL endpoint for saved queries,
// and the export route for their rows (the same rows, columns and errors a CSV download holds).

import { LIST_SAVED_QUERIES, SAVE_QUERY, SHOW_SAVED_QUERY } from '../schema/saved-query/client-operations';

/** An error as the hub formats it for a client (GraphQL's shape, with a stable `extensions.code`). */
export interface HubError {
  message: string;
  path?: ReadonlyArray<string | number>;
  extensions?: {
    code?: string;
    connector?: string;
    argument?: string;
    problems?: ReadonlyArray<DocumentProblem>;
    [key: string]: unknown;
  };
}

export interface DocumentProblem {
  message: string;
  locations: ReadonlyArray<{ line: number; column: number }>;
}

export interface SavedQueryVariable {
  name: string;
  /** As the document writes it: `Int!`, `[String!]`, `DateTimeISO`. */
  type: string;
  defaultValue: unknown;
  hasDefault: boolean;
  required: boolean;
}

export interface SavedQuery {
  name: string;
  version: number;
  description: string;
  document: string;
  /** `sha256:` and the SHA-256 of `document`: the id to run it by as a trusted document. */
  documentId: string;
  tags: string[];
  owner: string;
  savedBy: string;
  savedAt: string;
  status: 'OK' | 'BROKEN';
  problems: DocumentProblem[];
  variables: SavedQueryVariable[];
  /** The variable the export pages by: the console never asks for it. */
  pagingVariable: string | null;
  history: Array<{ version: number; savedAt: string; savedBy: string }>;
}

/** One column of a run's rows: its name (a field path) and the keys from a row to its value. */
export interface Column {
  name: string;
  path: string[];
  /** A list of objects: its cell is JSON, as in the CSV. */
  json?: boolean;
}

/** A run's rows, as the export gives them. */
export interface RunResult {
  columns: Column[];
  rows: unknown[];
  /** The console asked for at most `limit` rows, and more were left. */
  truncated: boolean;
  /** How many rows the whole list has, when the query counts them (`totalCount`). */
  totalCount: number | null;
  /** Errors of the run beside its partial data (a denied field, a system down): each distinct one once. */
  errors: HubError[];
  /** Every error of the run, counted (one per row a denied field was cut from, say). */
  errorCount: number;
}

/** A call the hub refused as a whole: its HTTP status and its errors. */
export class HubRequestFailed extends Error {
  constructor(
    readonly status: number,
    readonly errors: HubError[],
  ) {
    super(errors[0]?.message ?? `The hub answered HTTP ${status}`);
  }

  /** The stable code of the first error, e.g. `UNAUTHENTICATED`. */
  get code(): string | undefined {
    return this.errors[0]?.extensions?.code;
  }
}

/** The values of a run's variables, as the export's query string takes them (a list: several values). */
export type QueryStringValues = Record<string, string | string[]>;

async function bodyOf(response: Response): Promise<unknown> {
  try {
    return (await response.json()) as unknown;
  } catch {
    return null;
  }
}

function errorsIn(body: unknown, status: number): HubError[] {
  const errors = (body as { errors?: unknown } | null)?.errors;
  if (Array.isArray(errors) && errors.length > 0) return errors as HubError[];
  return [{ message: `The hub answered HTTP ${status} without saying why`, extensions: { code: `HTTP_${status}` } }];
}

/** The export stopped after its first bytes: nothing of it is shown, rather than a part that looks whole. */
function cutShort(): HubRequestFailed {
  return new HubRequestFailed(200, [
    {
      message: 'The hub stopped the answer half-way: a later page of the list failed. Nothing of it is shown.',
      extensions: { code: 'EXPORT_INCOMPLETE' },
    },
  ]);
}

/** The hub, as one signed-in person calls it. */
export class HubClient {
  /** `key` is an API key (`sb_…`); empty in demo mode, where an anonymous caller acts as admin. */
  constructor(private readonly key: string) {}

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    return this.key ? { ...extra, authorization: `Bearer ${this.key}` } : extra;
  }

  /** Runs a GraphQL operation; a refusal of the whole request (401, 429, 5xx without data) throws. */
  async graphql<T>(
    query: string,
    variables: Record<string, unknown> = {},
  ): Promise<{ data: T | null; errors: HubError[] }> {
    const response = await fetch('/graphql', {
      method: 'POST',
      headers: this.headers({ 'content-type': 'application/json', accept: 'application/json' }),
      body: JSON.stringify({ query, variables }),
    });
    const body = (await bodyOf(response)) as { data?: T | null; errors?: HubError[] } | null;
    if (!body || (body.data === undefined && !response.ok) || response.status === 401)
      throw new HubRequestFailed(response.status, errorsIn(body, response.status));
    return { data: body.data ?? null, errors: body.errors ?? [] };
  }

  /** Every saved query (latest versions), or those `search` finds; refusals throw. */
  async list(search: string): Promise<SavedQuery[]> {
    const { data, errors } = await this.graphql<{ savedQueries: SavedQuery[] }>(LIST_SAVED_QUERIES, {
      search: search.trim() || null,
    });
    if (!data) throw new HubRequestFailed(200, errors);
    return data.savedQueries;
  }

  /** One saved query in one version. */
  async show(name: string, version: number | null): Promise<SavedQuery | null> {
    const { data, errors } = await this.graphql<{ savedQuery: SavedQuery | null }>(SHOW_SAVED_QUERY, { name, version });
    if (errors.length > 0 && !data?.savedQuery) throw new HubRequestFailed(200, errors);
    return data?.savedQuery ?? null;
  }

  /** Saves a new query or the next version of one; a refused document comes back as errors (with their places). */
  async save(input: {
    name: string;
    description: string;
    document: string;
    tags: string[];
  }): Promise<{ saved: SavedQuery | null; errors: HubError[] }> {
    const { data, errors } = await this.graphql<{ saveQuery: SavedQuery | null }>(SAVE_QUERY, { input });
    return { saved: data?.saveQuery ?? null, errors };
  }

  private exportUrl(name: string, version: number | null, values: QueryStringValues, extra: QueryStringValues): string {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries({ ...values, ...extra }))
      for (const item of Array.isArray(value) ? value : [value]) params.append(key, item);
    if (version !== null) params.set('version', String(version));
    return `/queries/${encodeURIComponent(name)}?${params.toString()}`;
  }

  /** Runs a saved query through the export (every page, at most `limit` rows) and reads its rows. */
  async run(name: string, version: number | null, values: QueryStringValues, limit: number): Promise<RunResult> {
    const response = await fetch(this.exportUrl(name, version, values, { format: 'json', limit: String(limit) }), {
      headers: this.headers({ accept: 'application/json' }),
    });
    const body = (await bodyOf(response)) as {
      columns?: Column[];
      data?: unknown[];
      truncated?: boolean;
      errorCount?: number;
      errors?: HubError[];
    } | null;
    // A 200 whose body does not read is an export the hub cut short (a page failed half-way).
    if (response.ok && !body) throw cutShort();
    if (!response.ok || !body?.columns || !body.data)
      throw new HubRequestFailed(response.status, errorsIn(body, response.status));
    const total = response.headers.get('x-total-count');
    return {
      columns: body.columns,
      rows: body.data,
      truncated: body.truncated === true,
      totalCount: total === null ? null : Number(total),
      errors: body.errors ?? [],
      errorCount: body.errorCount ?? body.errors?.length ?? 0,
    };
  }

  /** The whole run as a CSV file (every row), with the file name the hub gives it. */
  async csv(
    name: string,
    version: number | null,
    values: QueryStringValues,
  ): Promise<{ file: Blob; fileName: string }> {
    const response = await fetch(this.exportUrl(name, version, values, { format: 'csv' }), {
      headers: this.headers({ accept: 'text/csv' }),
    });
    if (!response.ok) throw new HubRequestFailed(response.status, errorsIn(await bodyOf(response), response.status));
    // A transfer the hub cut short (a page failed half-way) rejects here: no short file is offered as whole.
    const file = await response.blob().catch(() => {
      throw cutShort();
    });
    const disposition = response.headers.get('content-disposition') ?? '';
    const fileName = /filename="([^"]+)"/.exec(disposition)?.[1] ?? `${name}.csv`;
    return { file, fileName };
  }
}
