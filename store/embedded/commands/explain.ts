/**
 * explain: the chosen plan and, unless only the plan is asked for, the work done — in MongoDB's
 * shape (`queryPlanner.winningPlan`, `executionStats.totalDocsExamined`...), so the same check
 * ("this look-up read 3 documents, not 20,000") holds against the embedded and a real server.
 */
import os from 'node:os';
import { CommandError } from '../errors';
import type { Plan } from '../planner';
import { type ExecStats, findDocs, findStored, newStats } from '../query';
import { docOption, type Doc, isPlainObject } from '../values';
import { pipelineArg, pushdown, runPipeline } from './aggregate';
import { collectionArg, type CommandContext, type CommandHandler } from './context';
import { SERVER_VERSION } from './handshake';
import { findSpec } from './read';

/** The stage tree MongoDB would print for a plan. */
function stageTree(plan: Plan | null, stats: ExecStats, spec: { sort?: unknown; limit?: number; skip?: number }): Doc {
  if (!plan) return { stage: 'EOF' };
  const direction = plan.source.direction === 1 ? 'forward' : 'backward';
  let stage: Doc =
    plan.source.kind === 'collscan'
      ? { stage: 'COLLSCAN', direction, docsExamined: stats.docsExamined }
      : {
          stage: 'FETCH',
          docsExamined: stats.docsExamined,
          inputStage: {
            stage: 'IXSCAN',
            indexName: plan.indexName,
            keyPattern: plan.keyPattern,
            isMultiKey: plan.source.kind === 'index' && plan.source.index.multikey,
            direction,
            keysExamined: stats.keysExamined,
          },
        };
  if (spec.sort && !plan.providesSort) stage = { stage: 'SORT', sortPattern: spec.sort, inputStage: stage };
  if (spec.skip) stage = { stage: 'SKIP', skipAmount: spec.skip, inputStage: stage };
  if (spec.limit) stage = { stage: 'LIMIT', limitAmount: Math.abs(spec.limit), inputStage: stage };
  return stage;
}

/** Runs (or only plans) the explained command, collecting counters. */
function execute(
  inner: Doc,
  ctx: CommandContext,
  run: boolean,
): { ns: string; stats: ExecStats; spec: ReturnType<typeof findSpec> } {
  const name = Object.keys(inner)[0];
  const stats = newStats();
  const target = (field: string) => {
    const collection = collectionArg(inner, field, ctx);
    return { collection, ns: `${ctx.db}.${collection}`, coll: ctx.engine.catalog.get(ctx.db, collection) };
  };
  switch (name) {
    case 'find':
    case 'count':
    case 'distinct': {
      const { ns, coll } = target(name);
      const spec = findSpec(inner, name === 'find' ? 'filter' : 'query');
      const docs = findDocs(ctx.engine.sql, coll, spec, stats);
      // Planning happens on the first pull; a full explain runs the query to the end.
      if (run) while (!docs.next().done);
      else docs.next();
      return { ns, stats, spec };
    }
    case 'aggregate': {
      const { collection, ns } = target(name);
      const pipeline = pipelineArg(inner);
      if (run) runPipeline(ctx, collection, pipeline, inner, stats);
      else
        findStored(ctx.engine.sql, ctx.engine.catalog.get(ctx.db, collection), pushdown(pipeline).spec, stats).next();
      return { ns, stats, spec: { ...pushdown(pipeline).spec } };
    }
    case 'update':
    case 'delete':
    case 'findAndModify':
    case 'findandmodify': {
      const { ns, coll } = target(name);
      const first = Array.isArray(inner[name === 'update' ? 'updates' : 'deletes'])
        ? (inner[name === 'update' ? 'updates' : 'deletes'] as Doc[])[0]
        : inner;
      const filter = docOption(first ?? {}, name.startsWith('find') ? 'query' : 'q') ?? {};
      findStored(ctx.engine.sql, coll, { filter, limit: 1 }, stats).next(); // plan only: writes aren't run
      return { ns, stats, spec: { filter } };
    }
    default:
      throw new CommandError('IllegalOperation', `Explain is not supported for the '${name}' command`);
  }
}

const explain: CommandHandler = (cmd, ctx) => {
  if (!isPlainObject(cmd.explain)) throw new CommandError('FailedToParse', 'explain command requires a nested object');
  const verbosity = typeof cmd.verbosity === 'string' ? cmd.verbosity : 'allPlansExecution';
  const started = Date.now();
  const { ns, stats, spec } = execute(cmd.explain, ctx, verbosity !== 'queryPlanner');
  const winningPlan = stageTree(stats.plan, stats, spec);
  const reply: Doc = {
    explainVersion: '1',
    queryPlanner: { namespace: ns, parsedQuery: spec.filter ?? {}, winningPlan, rejectedPlans: [] },
    command: cmd.explain,
    serverInfo: { host: os.hostname(), version: SERVER_VERSION, gitVersion: 'switchboard-embedded' },
  };
  if (verbosity !== 'queryPlanner') {
    reply.executionStats = {
      executionSuccess: true,
      nReturned: stats.nReturned,
      executionTimeMillis: Date.now() - started,
      totalKeysExamined: stats.keysExamined,
      totalDocsExamined: stats.docsExamined,
      executionStages: winningPlan,
    };
  }
  return reply;
};

/** The explain command. */
export const explainCommands: Record<string, CommandHandler> = { explain };
