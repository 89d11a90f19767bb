/**
 * findAndModify: atomically pick the first match (by `sort`), then update, replace or remove it
 * and return the document before or after (`new`), optionally upserting. One transaction.
 */
import { CommandError } from '../errors';
import { findStored, newStats, parseSort, projector } from '../query';
import { applyUpdate, parseUpdateSpec, upsertDocument } from '../update';
import { docOption, isPlainObject } from '../values';
import { collectionArg, type CommandHandler, wantsJournal } from './context';

const findAndModify: CommandHandler = (cmd, ctx) => {
  const name = collectionArg(cmd, Object.keys(cmd)[0], ctx);
  const filter = docOption(cmd, 'query') ?? {};
  const remove = cmd.remove === true;
  if (remove && (cmd.update !== undefined || cmd.upsert === true || cmd.new === true)) {
    throw new CommandError('FailedToParse', 'Cannot specify both an update and remove=true');
  }
  if (!remove && cmd.update === undefined)
    throw new CommandError('FailedToParse', 'Either an update or remove=true must be specified');
  const spec = remove ? null : parseUpdateSpec(cmd.update);
  const arrayFilters = Array.isArray(cmd.arrayFilters) ? cmd.arrayFilters.filter(isPlainObject) : undefined;
  const project = projector(docOption(cmd, 'fields') ?? null);
  const returnNew = cmd.new === true;

  return ctx.engine.write(() => {
    const coll = ctx.engine.catalog.get(ctx.db, name);
    const [found] = findStored(
      ctx.engine.sql,
      coll,
      {
        filter,
        sort: parseSort(cmd.sort),
        limit: 1,
        collation: docOption(cmd, 'collation'),
        variables: docOption(cmd, 'let'),
      },
      newStats(),
    );
    if (coll && found) {
      if (remove) {
        ctx.engine.store.remove(coll, found);
        return { lastErrorObject: { n: 1 }, value: project(found.doc) };
      }
      const next = applyUpdate(found.doc, spec as NonNullable<typeof spec>, { arrayFilters, filter });
      const { stored } = ctx.engine.store.replace(coll, found, next);
      return { lastErrorObject: { n: 1, updatedExisting: true }, value: project(returnNew ? stored.doc : found.doc) };
    }
    if (remove || cmd.upsert !== true) {
      return { lastErrorObject: { n: 0, ...(remove ? {} : { updatedExisting: false }) }, value: null };
    }
    const target = ctx.engine.catalog.ensure(ctx.db, name).coll;
    const doc = upsertDocument(filter, spec as NonNullable<typeof spec>, arrayFilters);
    ctx.engine.store.insert(target, doc);
    return {
      lastErrorObject: { n: 1, updatedExisting: false, upserted: doc._id },
      value: returnNew ? project(doc) : null,
    };
  }, wantsJournal(cmd));
};

/** findAndModify under both of MongoDB's spellings. */
export const findAndModifyCommands: Record<string, CommandHandler> = { findAndModify, findandmodify: findAndModify };
