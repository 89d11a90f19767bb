/**
 * Read commands: find (with its cursor), getMore, killCursors, count and distinct.
 */
import { DEFAULT_FIRST_BATCH } from '../cursors';
import { CommandError } from '../errors';
import { pathValues } from '../indexes';
import { encodeValue } from '../keys';
import { findDocs, findStored, type FindSpec, newStats, parseSort } from '../query';
import type { CollectionInfo } from '../catalog';
import { describeType, docOption, type Doc, intOption } from '../values';
import { collectionArg, type CommandContext, type CommandHandler, cursorReply } from './context';

/** The find-shaped options of a command (`filter` is `query` for count and distinct). */
export function findSpec(cmd: Doc, filterField = 'filter'): FindSpec {
  return {
    filter: docOption(cmd, filterField) ?? {},
    sort: parseSort(docOption(cmd, 'sort')),
    projection: docOption(cmd, 'projection') ?? null,
    skip: intOption(cmd, 'skip', 0),
    limit: intOption(cmd, 'limit', 0),
    collation: docOption(cmd, 'collation'),
    variables: docOption(cmd, 'let'),
  };
}

const find: CommandHandler = (cmd, ctx) => {
  const name = collectionArg(cmd, 'find', ctx);
  const spec = findSpec(cmd);
  if ((spec.skip ?? 0) < 0) throw new CommandError('BadValue', 'skip value must be non-negative');
  const batchSize = cmd.batchSize === undefined ? undefined : intOption(cmd, 'batchSize', DEFAULT_FIRST_BATCH);
  // A negative limit is the legacy spelling of "one batch of at most |limit| documents".
  const singleBatch = cmd.singleBatch === true || (spec.limit ?? 0) < 0;
  spec.expected = (spec.skip ?? 0) + (batchSize ?? DEFAULT_FIRST_BATCH) + 1;
  const coll = ctx.engine.catalog.get(ctx.db, name);
  const docs = findDocs(ctx.engine.sql, coll, spec, newStats());
  return cursorReply(ctx.engine.cursors.open(`${ctx.db}.${name}`, docs, batchSize, singleBatch), true);
};

const getMore: CommandHandler = (cmd, ctx) => {
  const batchSize = cmd.batchSize === undefined ? undefined : intOption(cmd, 'batchSize', 0);
  return cursorReply(ctx.engine.cursors.getMore(cmd.getMore, batchSize), false);
};

const killCursors: CommandHandler = (cmd, ctx) => {
  collectionArg(cmd, 'killCursors', ctx);
  if (!Array.isArray(cmd.cursors)) {
    throw new CommandError('TypeMismatch', `Field 'cursors' must be an array, found ${describeType(cmd.cursors)}`);
  }
  const { killed, notFound } = ctx.engine.cursors.kill(cmd.cursors);
  return { cursorsKilled: killed, cursorsNotFound: notFound, cursorsAlive: [], cursorsUnknown: [] };
};

/** Counts matching documents; an unfiltered count of a collection without TTL is a table count. */
export function countDocuments(cmd: Doc, ctx: CommandContext, name: string, stats = newStats()): number {
  const coll = ctx.engine.catalog.get(ctx.db, name);
  if (!coll) return 0;
  const spec = findSpec(cmd, 'query');
  const plain = Object.keys(spec.filter ?? {}).length === 0 && !spec.skip && !spec.limit;
  const hasTtl = coll.indexes.some((i) => i.expireAfterSeconds !== undefined);
  if (plain && !hasTtl) return ctx.engine.store.count(coll);
  const covered = coveredCount(ctx, coll, spec);
  if (covered !== null) return covered;
  let n = 0;
  const matches = findStored(ctx.engine.sql, coll, { ...spec, sort: null, expected: 1000 }, stats);
  while (!matches.next().done) n++;
  return n;
}

/**
 * A count of one string equality (`{ runId: 'r1' }`) over an index led by that field: one entry
 * per document (the index is not multikey, sparse or partial, and no TTL hides documents), so
 * the entries in the value's interval are the answer. Null for any other count.
 */
function coveredCount(ctx: CommandContext, coll: CollectionInfo, spec: FindSpec): number | null {
  const filter = spec.filter ?? {};
  const fields = Object.keys(filter);
  if (fields.length !== 1 || fields[0].startsWith('$') || spec.collation) return null;
  const value = filter[fields[0]];
  if (typeof value !== 'string') return null;
  const index = coll.indexes.find((i) => i.key[0][0] === fields[0] && !i.multikey && !i.sparse);
  if (!index) return null;
  const n = ctx.engine.store.countByIndex(coll, index, value);
  if (n === null) return null;
  const skipped = Math.max(0, n - Math.max(0, spec.skip ?? 0));
  const limit = Math.abs(spec.limit ?? 0);
  return limit ? Math.min(skipped, limit) : skipped;
}

const count: CommandHandler = (cmd, ctx) => ({ n: countDocuments(cmd, ctx, collectionArg(cmd, 'count', ctx)) });

/** MongoDB's distinct: array values count element by element, missing fields not at all. */
const distinct: CommandHandler = (cmd, ctx) => {
  const name = collectionArg(cmd, 'distinct', ctx);
  if (typeof cmd.key !== 'string' || cmd.key === '') {
    throw new CommandError('TypeMismatch', `Field 'key' must be a non-empty string, found ${describeType(cmd.key)}`);
  }
  const key = cmd.key;
  const coll = ctx.engine.catalog.get(ctx.db, name);
  const values = new Map<string, unknown>();
  for (const stored of findStored(
    ctx.engine.sql,
    coll,
    { ...findSpec(cmd, 'query'), sort: null, expected: 1000 },
    newStats(),
  )) {
    const found = pathValues(stored.doc, key);
    if (!found.present) continue;
    for (const value of found.values) {
      if (Array.isArray(value) && value.length === 0) continue;
      values.set(encodeValue(value).toString('latin1'), value);
    }
  }
  // Keys sort in BSON order, which is the order MongoDB returns distinct values in.
  return { values: [...values.keys()].sort().map((k) => values.get(k)) };
};

/** The read commands, by name. */
export const readCommands: Record<string, CommandHandler> = { find, getMore, killCursors, count, distinct };
