import { z } from 'zod';
import { upstreamUnavailable } from '../../schema/errors';
import type { ConnectorConfig } from '../../config';
import { createSiloClient, type ConnectorTransport, type DirectoryEntry, type SiloClient } from '../kit';
import type { RestConnectorDeclaration } from './declaration.schema';
import { valueAt } from './declaration.types';
import { answerSchema, recordSchemaOf, type DeclaredRecord } from './record';

/** The form keys are compared in, as the declaration's `key.normalise` says. */
export function keyNormaliser(declaration: RestConnectorDeclaration): ((key: string) => string) | undefined {
  switch (declaration.key.normalise) {
    case 'none':
      return undefined;
    case 'lowercase':
      return (key) => key.toLowerCase();
    case 'trim-lowercase':
      return (key) => key.trim().toLowerCase();
  }
}

/** The headers the declared auth sends, with the credential's value. */
function authHeaders(
  declaration: RestConnectorDeclaration,
  credentials: Readonly<Record<string, string>>,
): Record<string, string> {
  const { auth } = declaration;
  if (!auth) return {};
  const secret = credentials[auth.credential];
  return auth.type === 'bearer' ? { authorization: `Bearer ${secret}` } : { [auth.header.toLowerCase()]: secret };
}

const at = (value: unknown, path: string) => valueAt(value, path.split('.'));
const texts = (value: unknown): string[] =>
  (Array.isArray(value) ? value : [value]).filter((one): one is string => typeof one === 'string' && one !== '');

/** The zod schema of one directory entry: the paths the declaration reads, as text (or null). */
function entrySchemaOf(declaration: RestConnectorDeclaration): z.ZodType {
  const { entry } = declaration.directory;
  const optionalText = z.union([z.string(), z.array(z.string()), z.null()]).optional();
  const paths: Array<[string, z.ZodType]> = [[entry.key, z.union([z.string(), z.number()])]];
  for (const path of [
    entry.name,
    entry.firstName,
    entry.lastName,
    ...entry.emails,
    ...entry.phones,
    ...entry.taxNumbers,
  ])
    if (path !== undefined) paths.push([path, optionalText]);
  // Each path checked on its own: entries keep all their fields for the mapping below.
  return z.looseObject({}).superRefine((value, ctx) => {
    for (const [path, schema] of paths) {
      const parsed = schema.safeParse(at(value, path));
      if (!parsed.success)
        ctx.addIssue({ code: 'custom', path: path.split('.'), message: parsed.error.issues[0].message });
    }
  });
}

function toEntry(declaration: RestConnectorDeclaration, item: unknown): DirectoryEntry {
  const { entry } = declaration.directory;
  const name = entry.name
    ? texts(at(item, entry.name))[0]
    : [entry.firstName, entry.lastName].flatMap((path) => (path ? texts(at(item, path)) : [])).join(' ');
  return {
    key: String(at(item, entry.key)),
    name: name || null,
    emails: entry.emails.flatMap((path) => texts(at(item, path))),
    phones: entry.phones.flatMap((path) => texts(at(item, path))),
    taxNumbers: entry.taxNumbers.flatMap((path) => texts(at(item, path))),
  };
}

async function* walkDirectory(
  declaration: RestConnectorDeclaration,
  client: SiloClient,
  pageSize: number,
): AsyncIterable<DirectoryEntry[]> {
  const { path, records, paging } = declaration.directory;
  const items = z.array(entrySchemaOf(declaration));
  const counted = z.number().int().nonnegative();
  const schema =
    paging.style === 'cursor'
      ? z.intersection(answerSchema(records, items), answerSchema(paging.next, z.string().nullish()))
      : z.intersection(answerSchema(records, items), answerSchema(paging.total, counted));
  let cursor: string | null = null;
  let position = paging.style === 'page' ? paging.first : 0;
  let seen = 0;
  // A system that pages forever (the same cursor again, or pages of customers already listed)
  // must not hold the identity sync, and its lease, for ever: the walk stops with an error.
  const cursors = new Set<string>();
  const listed = new Set<string>();
  const looping = (what: string) =>
    upstreamUnavailable(declaration.name, `its directory ${what}, so the walk was stopped`);
  for (;;) {
    const params: Record<string, string | number> = { [paging.size]: pageSize };
    if (paging.style === 'cursor' && cursor !== null) params[paging.cursor] = cursor;
    if (paging.style === 'page') params[paging.page] = position;
    if (paging.style === 'offset') params[paging.offset] = position;
    const answer = await client.get(path, schema, params);
    const page = at(answer, records) as unknown[];
    const entries = page.map((item) => toEntry(declaration, item));
    const fresh = entries.filter((entry) => !listed.has(entry.key));
    if (entries.length > 0 && fresh.length === 0) throw looping('answered a page of customers it had already listed');
    for (const entry of fresh) listed.add(entry.key);
    yield entries;
    seen += page.length;
    // An empty page ends the walk whatever the paging says.
    if (page.length === 0) return;
    if (paging.style === 'cursor') {
      cursor = (at(answer, paging.next) as string | null | undefined) ?? null;
      if (cursor === null) return;
      if (cursors.has(cursor)) throw looping('gave a cursor it had given before');
      cursors.add(cursor);
    } else {
      if (seen >= (at(answer, paging.total) as number)) return;
      position = paging.style === 'page' ? position + 1 : position + page.length;
    }
  }
}

/**
 * The declared system's transport over the kit's client: batch reads split at the system's
 * `maxBatchSize` (in parallel), the directory walked in the declared paging style, and the
 * health path, all with the declared credential.
 */
export function createDeclaredTransport(
  declaration: RestConnectorDeclaration,
  config: ConnectorConfig,
  credentials: Readonly<Record<string, string>>,
): ConnectorTransport<DeclaredRecord> {
  const client = createSiloClient(declaration.name, config, { headers: authHeaders(declaration, credentials) });
  const { batch } = declaration;
  const lookup = answerSchema(batch.records, z.array(recordSchemaOf(declaration)));
  const normalise = keyNormaliser(declaration) ?? ((key: string) => key);

  const read = async (keys: readonly string[]): Promise<DeclaredRecord[]> => {
    let answer: unknown;
    if (batch.method === 'POST') answer = await client.post(batch.path, { [batch.body]: keys }, lookup, { read: true });
    else if (batch.style === 'comma') answer = await client.get(batch.path, lookup, { [batch.query]: keys.join(',') });
    else {
      const query = keys.map((key) => `${encodeURIComponent(batch.query)}=${encodeURIComponent(key)}`).join('&');
      answer = await client.get(`${batch.path}${batch.path.includes('?') ? '&' : '?'}${query}`, lookup);
    }
    return at(answer, batch.records) as DeclaredRecord[];
  };

  return {
    async fetch(keys) {
      const requests: Array<Promise<DeclaredRecord[]>> = [];
      for (let i = 0; i < keys.length; i += batch.maxBatchSize)
        requests.push(read(keys.slice(i, i + batch.maxBatchSize)));
      const found = (await Promise.all(requests)).flat();
      return new Map(found.map((record) => [normalise(String(at(record, batch.key))), record]));
    },
    directory: (pageSize) => walkDirectory(declaration, client, pageSize),
    async health() {
      // Any answer within the timeout is "up": a declared system's health body has no agreed shape.
      try {
        await client.get(declaration.health, z.unknown());
        return { ok: true };
      } catch (error) {
        return { ok: false, detail: (error as Error).message };
      }
    },
  };
}
