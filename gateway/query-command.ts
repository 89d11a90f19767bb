import { createWriteStream, existsSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Writable } from 'node:stream';
import { SingleBar } from 'cli-progress';
import { parse as parseCsv } from 'csv-parse/sync';
import type { CommandIo } from './command-args';
import {
  DELETE_SAVED_QUERY,
  LIST_SAVED_QUERIES,
  SAVE_QUERY,
  SHOW_SAVED_QUERY,
} from '../schema/saved-query/client-operations';

export const QUERY_USAGE = `Usage: switchboard query <list|show|save|run|delete> ...

  query list [--search TEXT] [--tag TAG]
  query show <name> [--version N]
  query save <name> --file FILE|- --description TEXT [--tags a,b]
  query run <name> [--var key=value]... [--format json|ndjson|csv|table] [--version N] [--out FILE]
  query delete <name>

The hub is SWITCHBOARD_URL (default http://localhost:$PORT, PORT 4000), called with the API key
in SWITCHBOARD_API_KEY (none: demo mode). \`run\` streams to stdout or --out; on a terminal it
draws a progress bar. Exit status: 0 done, 1 refused or failed, 2 used wrongly, 3 done with errors
(a denied field, a system down: their cells are empty).`;

/** Where the command reaches the hub, and the environment it reads. */
export interface QueryCommandOptions {
  env: NodeJS.ProcessEnv;
  /** Where `run` writes without --out (default stdout). */
  stdout?: Writable & { isTTY?: boolean };
  /** Whether a progress bar may be drawn (default: stderr is a terminal). */
  progress?: boolean;
}

class UsageError extends Error {}

interface Parsed {
  positional: string[];
  flags: Map<string, string>;
  vars: string[];
}

const FLAGS = ['search', 'tag', 'version', 'file', 'description', 'tags', 'format', 'out'];

function parse(args: readonly string[]): Parsed {
  const parsed: Parsed = { positional: [], flags: new Map(), vars: [] };
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i];
    if (!arg.startsWith('--')) {
      parsed.positional.push(arg);
      continue;
    }
    const flag = arg.slice(2);
    const value = args[i + 1];
    if (flag !== 'var' && !FLAGS.includes(flag)) throw new UsageError(`Unknown option ${arg}`);
    if (value === undefined || (value.startsWith('--') && value !== '-')) throw new UsageError(`${arg} needs a value`);
    if (flag === 'var') parsed.vars.push(value);
    else parsed.flags.set(flag, value);
    i += 1;
  }
  return parsed;
}

interface HubAnswer {
  status: number;
  headers: IncomingMessage['headers'];
  response: IncomingMessage;
}

/** One request to the hub, its body still to be read. */
function call(url: URL, key: string | undefined, body?: string): Promise<HubAnswer> {
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const request = send(
      url,
      {
        method: body === undefined ? 'GET' : 'POST',
        headers: {
          ...(key ? { authorization: `Bearer ${key}` } : {}),
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
      },
      (response) => resolve({ status: response.statusCode ?? 0, headers: response.headers, response }),
    );
    request.on('error', reject);
    request.end(body);
  });
}

async function text(response: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of response) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

interface GraphQLAnswer<T> {
  data?: T | null;
  errors?: Array<{ message: string; extensions?: { code?: string; problems?: Array<{ message: string }> } }>;
}

/** A sentence for a GraphQL error, with a saved query's document problems under it. */
function describe(error: NonNullable<GraphQLAnswer<unknown>['errors']>[number]): string {
  const code = error.extensions?.code ? ` (${error.extensions.code})` : '';
  const problems = (error.extensions?.problems ?? []).map((problem) => `\n  - ${problem.message}`).join('');
  return `${error.message}${code}${problems}`;
}

class HubError extends Error {}

/**
 * `switchboard query ...`: saved queries from a terminal or a script, through the hub's own
 * GraphQL API and `GET /queries/<name>` export, as the caller whose API key it is.
 */
export async function runQueryCommand(
  args: readonly string[],
  io: CommandIo,
  options: QueryCommandOptions,
): Promise<number> {
  const base = new URL(options.env.SWITCHBOARD_URL ?? `http://localhost:${options.env.PORT ?? 4000}`);
  const key = options.env.SWITCHBOARD_API_KEY || undefined;
  const graphql = async <T>(query: string, variables: Record<string, unknown>): Promise<T> => {
    const answer = await call(new URL('/graphql', base), key, JSON.stringify({ query, variables }));
    const body = JSON.parse(await text(answer.response)) as GraphQLAnswer<T>;
    if (body.errors?.length) throw new HubError(body.errors.map(describe).join('\n'));
    return body.data as T;
  };
  try {
    const parsed = parse(args);
    const [sub, name, ...extra] = parsed.positional;
    if (sub === undefined || sub === '--help') {
      io.out(QUERY_USAGE);
      return sub === undefined ? 2 : 0;
    }
    const needName = () => {
      if (!name) throw new UsageError(`query ${sub} needs a saved query's name`);
      if (extra.length > 0) throw new UsageError(`Unexpected argument ${extra[0]}`);
      return name;
    };
    const version = parsed.flags.has('version') ? Number(parsed.flags.get('version')) : null;
    if (version !== null && (!Number.isInteger(version) || version < 1))
      throw new UsageError('--version is a whole number from 1');
    switch (sub) {
      case 'list': {
        const { savedQueries } = await graphql<{
          savedQueries: Array<{ name: string; version: number; status: string; tags: string[]; description: string }>;
        }>(LIST_SAVED_QUERIES, { search: parsed.flags.get('search') ?? null, tag: parsed.flags.get('tag') ?? null });
        for (const line of table(
          ['name', 'version', 'status', 'tags', 'description'],
          savedQueries.map((q) => [q.name, String(q.version), q.status, q.tags.join(','), q.description]),
        ))
          io.out(line);
        return 0;
      }
      case 'show': {
        const { savedQuery } = await graphql<{ savedQuery: Record<string, unknown> | null }>(SHOW_SAVED_QUERY, {
          name: needName(),
          version,
        });
        if (!savedQuery) throw new HubError(`No saved query is named "${name}"`);
        io.out(JSON.stringify(savedQuery, null, 2));
        return 0;
      }
      case 'save': {
        const file = parsed.flags.get('file');
        const description = parsed.flags.get('description');
        if (!file || !description)
          throw new UsageError('query save needs --file FILE (or - for stdin) and --description');
        const document = readFileSync(file === '-' ? 0 : file, 'utf8');
        const tags = parsed.flags.get('tags')?.split(',').filter(Boolean) ?? [];
        const { saveQuery } = await graphql<{ saveQuery: { name: string; version: number } }>(SAVE_QUERY, {
          input: { name: needName(), description, document, tags },
        });
        io.out(`Saved ${saveQuery.name} as version ${saveQuery.version}`);
        return 0;
      }
      case 'delete': {
        await graphql(DELETE_SAVED_QUERY, { name: needName() });
        io.out(`Deleted ${name}`);
        return 0;
      }
      case 'run':
        return await run(base, key, needName(), version, parsed, io, options);
      default:
        throw new UsageError(`Unknown query command "${sub}"`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`${error.message}\n\n${QUERY_USAGE}`);
      return 2;
    }
    if (error instanceof HubError) {
      io.err(error.message);
      return 1;
    }
    const reason =
      (error as NodeJS.ErrnoException).code === 'ECONNREFUSED'
        ? `no hub answers at ${base.origin}`
        : (error as Error).message;
    io.err(`The hub could not be reached: ${reason}`);
    return 1;
  }
}

async function run(
  base: URL,
  key: string | undefined,
  name: string,
  version: number | null,
  parsed: Parsed,
  io: CommandIo,
  options: QueryCommandOptions,
): Promise<number> {
  const format = parsed.flags.get('format') ?? 'json';
  if (!['json', 'ndjson', 'csv', 'table'].includes(format))
    throw new UsageError(`--format is json, ndjson, csv or table; got "${format}"`);
  const url = new URL(`/queries/${encodeURIComponent(name)}`, base);
  // A table is the CSV's rows and columns (the one rule for both), padded for a terminal.
  url.searchParams.set('format', format === 'table' ? 'csv' : format);
  if (version !== null) url.searchParams.set('version', String(version));
  for (const pair of parsed.vars) {
    const at = pair.indexOf('=');
    if (at < 1) throw new UsageError(`--var is key=value; got "${pair}"`);
    url.searchParams.append(pair.slice(0, at), pair.slice(at + 1));
  }
  const answer = await call(url, key);
  if (answer.status !== 200) {
    const body = await text(answer.response);
    let message = `HTTP ${answer.status}`;
    try {
      const errors = (JSON.parse(body) as GraphQLAnswer<unknown>).errors ?? [];
      if (errors.length > 0) message = errors.map(describe).join('\n');
    } catch {
      // not JSON: the status says enough
    }
    throw new HubError(message);
  }
  const outFile = parsed.flags.get('out');
  const output = openOutput(outFile, options.stdout ?? process.stdout);
  const total = Number(answer.headers['x-total-count'] ?? NaN);
  const bar =
    (options.progress ?? process.stderr.isTTY) && Number.isFinite(total)
      ? new SingleBar({ format: `${name} [{bar}] {value}/{total} rows`, stream: process.stderr })
      : null;
  bar?.start(total, 0);
  let lines = 0;
  let body = '';
  try {
    for await (const chunk of answer.response) {
      output.check();
      const piece = (chunk as Buffer).toString('utf8');
      lines += piece.split('\n').length - 1;
      bar?.update(Math.min(total, Math.max(0, lines - (format === 'csv' ? 1 : 0))));
      if (format === 'table') body += piece;
      else if (!output.write(chunk as Buffer)) await output.drained();
    }
    bar?.stop();
    if (!answer.response.complete)
      throw new HubError(
        `The export stopped before its end (see the hub log); the output is incomplete${outFile ? `, and ${outFile} was not written` : ''}`,
      );
    if (format === 'table') {
      const [header = [], ...rows] = parseCsv(body);
      for (const line of table(header, rows)) output.write(`${line}\n`);
    }
    await output.finish();
  } catch (error) {
    bar?.stop();
    answer.response.destroy();
    await output.abandon();
    if (error instanceof ReaderGone) return 0;
    throw error;
  }
  const errors = answer.response.trailers['switchboard-errors'];
  if (errors && errors !== '0') {
    io.err(`${name}: ${errors} errors; their cells are empty (--format json lists them)`);
    return 3;
  }
  return 0;
}

/** Columns padded to their widest cell. */
function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)];
}

/** The output's reader went away (a closed pipe, `| head`): not a failure, it has what it wanted. */
class ReaderGone extends Error {}

/**
 * Where `run` writes: stdout, or `--out FILE`. A regular file (or a new one) is written as
 * `FILE.part` and renamed over FILE only once the whole export arrived, so a failed run never
 * leaves a short file that looks whole; a device or a pipe (`/dev/stdout`, a FIFO) is written as
 * it is. Every write error is a HubError naming where (exit 1); stdout closed by its reader
 * (EPIPE) is ReaderGone.
 */
function openOutput(outFile: string | undefined, stdout: Writable) {
  let failure: Error | null = null;
  let gone = false;
  const special = outFile !== undefined && existsSync(outFile) && !statSync(outFile).isFile();
  const partFile = outFile !== undefined && !special ? `${outFile}.part` : null;
  const target = partFile ?? outFile;
  const stream: Writable = target ? createWriteStream(target) : stdout;
  const cannotWrite = (error: Error) =>
    new HubError(`Cannot write ${outFile ?? 'to standard output'}: ${error.message}`);
  const onError = (error: NodeJS.ErrnoException) => {
    if (!outFile && error.code === 'EPIPE') gone = true;
    else failure ??= cannotWrite(error);
  };
  stream.on('error', onError);
  const check = () => {
    if (gone) throw new ReaderGone('the reader of the output went away');
    if (failure) throw failure;
    if (stream.destroyed) throw cannotWrite(new Error('the output was closed'));
  };
  return {
    stream,
    check,
    /** Writes a chunk; false when the output is full (wait for `drained`). */
    write(chunk: Buffer | string): boolean {
      try {
        return stream.write(chunk);
      } catch (error) {
        onError(error as NodeJS.ErrnoException);
        check();
        return true;
      }
    },
    /** Waits for room in the output, or fails as it does (an error, or a close without one). */
    drained: () =>
      new Promise<void>((resolve, reject) => {
        const done = () => {
          stream.off('drain', done);
          stream.off('error', done);
          stream.off('close', done);
          try {
            check();
            resolve();
          } catch (error) {
            reject(error instanceof Error ? error : new Error(String(error)));
          }
        };
        stream.once('drain', done);
        stream.once('error', done);
        stream.once('close', done);
      }),
    async finish() {
      check();
      if (!outFile) {
        stream.off('error', onError);
        return;
      }
      await new Promise<void>((resolve) => {
        stream.once('error', () => resolve());
        stream.end(() => resolve());
      });
      // Ended and closed by now: only an error while flushing counts.
      if (failure) throw failure;
      if (!partFile) return;
      try {
        renameSync(partFile, outFile);
      } catch (error) {
        throw cannotWrite(error as Error);
      }
    },
    /** Drops what was written of a file, once the file is closed (it may still be opening). */
    async abandon() {
      if (!partFile) return;
      if (!stream.closed) {
        await new Promise<void>((resolve) => {
          stream.once('close', () => resolve());
          stream.destroy();
        });
      }
      rmSync(partFile, { force: true });
    },
  };
}
