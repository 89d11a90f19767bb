/**
 * aggregate: the leading `$match` / `$sort` / `$skip` / `$limit` stages run as a query (so they
 * use indexes and stop early), the rest of the pipeline runs in mingo over the results.
 */
import { Aggregator } from 'mingo';
import { badValue, CommandError } from '../errors';
import { type ExecStats, findDocs, type FindSpec, mingoOptions, newStats, parseSort } from '../query';
import { describeType, docOption, type Doc, isPlainObject, toNumber } from '../values';
import { collectionArg, type CommandContext, type CommandHandler, cursorBatchSize, cursorReply } from './context';
import { countDocuments } from './read';

/** Stages that write or inspect the server; mingo would run them against nothing. */
const UNSUPPORTED_STAGES = [
  '$out',
  '$merge',
  '$changeStream',
  '$currentOp',
  '$collStats',
  '$indexStats',
  '$listSessions',
  '$planCacheStats',
];

/** The part of a pipeline answered by the query engine, and where the rest starts. */
export function pushdown(pipeline: Doc[]): { spec: FindSpec; rest: Doc[] } {
  const spec: FindSpec = { filter: {} };
  let i = 0;
  if (isPlainObject(pipeline[i]?.$match)) spec.filter = pipeline[i++].$match as Doc;
  if (isPlainObject(pipeline[i]?.$sort)) spec.sort = parseSort(pipeline[i++].$sort);
  const skip = toNumber(pipeline[i]?.$skip);
  if (skip !== undefined && skip >= 0) {
    spec.skip = skip;
    i++;
  }
  const limit = toNumber(pipeline[i]?.$limit);
  if (limit !== undefined && limit > 0) {
    spec.limit = limit;
    i++;
  }
  return { spec, rest: pipeline.slice(i) };
}

/** Validates a pipeline argument. */
export function pipelineArg(cmd: Doc): Doc[] {
  const pipeline = cmd.pipeline;
  if (!Array.isArray(pipeline) || !pipeline.every(isPlainObject)) {
    throw new CommandError(
      'TypeMismatch',
      `'pipeline' option must be specified as an array, found ${describeType(pipeline)}`,
    );
  }
  for (const stage of pipeline) {
    const name = Object.keys(stage)[0];
    if (UNSUPPORTED_STAGES.includes(name))
      throw new CommandError('NotImplemented', `${name} is not supported by the embedded MongoDB server`);
  }
  return pipeline;
}

/**
 * The pipeline the official driver's `countDocuments(filter, { skip, limit })` sends:
 * `[{ $match }, { $skip }?, { $limit }?, { $group: { _id: 1, n: { $sum: 1 } } }]`. Answered as a
 * count, so an unfiltered count is a table count and a filtered one decodes no document beyond
 * those the query reads (mingo's $group would decode and hold every one).
 */
function countDocumentsShape(pipeline: Doc[]): { query: Doc; skip?: number; limit?: number } | null {
  const last = pipeline.at(-1)?.$group;
  if (!isPlainObject(last) || Object.keys(last).length !== 2 || last._id !== 1) return null;
  const sum = (last.n as Doc | undefined)?.$sum;
  if (!isPlainObject(last.n) || Object.keys(last.n).length !== 1 || sum !== 1) return null;
  const { spec, rest } = pushdown(pipeline.slice(0, -1));
  if (rest.length > 0 || spec.sort) return null;
  return { query: spec.filter ?? {}, skip: spec.skip, limit: spec.limit };
}

/** Runs a pipeline on a collection (or, for `aggregate: 1`, on nothing) and returns all results. */
export function runPipeline(
  ctx: CommandContext,
  collection: string | null,
  pipeline: Doc[],
  cmd: Doc,
  stats: ExecStats,
): Doc[] {
  const counting = collection === null ? null : countDocumentsShape(pipeline);
  if (collection !== null && counting) {
    const n = countDocuments(counting, ctx, collection, stats);
    // As MongoDB's $group over no input: no document at all (the driver then says 0).
    return n === 0 ? [] : [{ _id: 1, n }];
  }
  const { spec, rest } = collection === null ? { spec: null, rest: pipeline } : pushdown(pipeline);
  const options = { collation: docOption(cmd, 'collation'), variables: docOption(cmd, 'let') };
  const coll = collection === null ? undefined : ctx.engine.catalog.get(ctx.db, collection);
  const source = spec ? [...findDocs(ctx.engine.sql, coll, { ...spec, ...options, expected: 1000 }, stats)] : [];
  if (rest.length === 0) return source;
  const collectionResolver = (name: string): Doc[] => [
    ...findDocs(ctx.engine.sql, ctx.engine.catalog.get(ctx.db, name), {}, newStats()),
  ];
  try {
    return new Aggregator(rest, { ...mingoOptions(options), collectionResolver }).run<Doc>(source);
  } catch (err) {
    throw badValue(err);
  }
}

const aggregate: CommandHandler = (cmd, ctx) => {
  const collection = cmd.aggregate === 1 ? null : collectionArg(cmd, 'aggregate', ctx);
  const pipeline = pipelineArg(cmd);
  if (!isPlainObject(cmd.cursor)) {
    throw new CommandError(
      'FailedToParse',
      "The 'cursor' option is required, except for aggregate with the explain argument",
    );
  }
  const results = runPipeline(ctx, collection, pipeline, cmd, newStats());
  const ns = `${ctx.db}.${collection ?? '$cmd.aggregate'}`;
  return cursorReply(ctx.engine.cursors.open(ns, results, cursorBatchSize(cmd)), true);
};

/** The aggregate command. */
export const aggregateCommands: Record<string, CommandHandler> = { aggregate };
