/**
 * Write commands: insert, update and delete batches. Each batch is one SQLite transaction
 * committed before the reply. A refused statement (E11000, immutable `_id`...) leaves nothing
 * written and becomes a `writeErrors` entry; for an ordered batch it stops the batch while
 * everything before it stays written — MongoDB's batch semantics. (A statement that can be
 * refused after it has written runs in a savepoint; see `runBatch`.)
 */
import { BSON } from 'mongodb';
import { leadingElement } from '../bson-walk';
import { CommandError } from '../errors';
import type { StoredDoc } from '../scan';
import { findStored, newStats, parseSort } from '../query';
import { applyUpdate, isOperatorUpdate, parseUpdateSpec, type UpdateSpec, upsertDocument } from '../update';
import { docOption, type Doc, intOption, isPlainObject, receivedBytes, withIdFirst } from '../values';
import { collectionArg, type CommandContext, type CommandHandler, docsArg, wantsJournal } from './context';

/** A `writeErrors` entry as MongoDB reports it. */
function writeError(index: number, err: CommandError): Doc {
  return { index, code: err.code, errmsg: err.message, ...err.details };
}

/**
 * Runs the statements inside one transaction, collecting write errors. A statement that
 * `mayFailMidway` runs in a savepoint of its own, so that when it is refused what it wrote is
 * undone. Every other statement checks everything that can refuse it (a duplicate key, an
 * immutable `_id`, a document too large) before it writes, so a refusal leaves nothing a reader
 * can see (see `DocumentStore`). A savepoint keeps a copy of every page its statement changes:
 * without them, inserting snapshot-like documents (17 index entries each) cost the store 2% to
 * 29% less CPU in three alternating runs on a noisy machine.
 * Errors other than CommandError are bugs: they abort the whole command.
 */
function runBatch<T>(
  cmd: Doc,
  ctx: CommandContext,
  statements: T[],
  run: (statement: T, index: number) => void,
  mayFailMidway: (statement: T) => boolean,
): Doc[] {
  const ordered = cmd.ordered !== false;
  const writeErrors: Doc[] = [];
  ctx.engine.write(() => {
    for (let i = 0; i < statements.length; i++) {
      try {
        if (mayFailMidway(statements[i])) ctx.engine.write(() => run(statements[i], i));
        else run(statements[i], i);
      } catch (err) {
        if (!(err instanceof CommandError)) throw err;
        writeErrors.push(writeError(i, err));
        if (ordered) break;
      }
    }
  }, wantsJournal(cmd));
  return writeErrors;
}

const insert: CommandHandler = (cmd, ctx) => {
  const name = collectionArg(cmd, 'insert', ctx);
  const documents = docsArg(cmd, 'documents');
  let n = 0;
  const writeErrors = runBatch(
    cmd,
    ctx,
    documents,
    (doc) => {
      const coll = ctx.engine.catalog.get(ctx.db, name) ?? ctx.engine.catalog.create(ctx.db, name);
      const withId = doc._id === undefined ? { _id: new BSON.ObjectId(), ...doc } : withIdFirst(doc);
      ctx.engine.store.insert(coll, withId, withId === doc ? receivedBytes(doc) : undefined);
      n++;
    },
    // The first document creates the collection: refused, it must not leave the collection behind.
    () => ctx.engine.catalog.get(ctx.db, name) === undefined,
  );
  return { n, ...(writeErrors.length ? { writeErrors } : {}) };
};

/** The outcome of one update statement. */
export interface UpdateOutcome {
  n: number;
  nModified: number;
  upsertedId?: unknown;
}

/**
 * The bytes a replacement arrived in, when the document it makes is exactly what was sent: led
 * by its `_id`, encoded as the stored document's `_id` is (`1` sent as a double decodes as the
 * stored int32 does, and the stored encoding stays). Storing those bytes skips encoding the
 * document again, the costliest step of replacing it.
 */
function replacedAsSent(spec: UpdateSpec, old: StoredDoc): Buffer | undefined {
  // Led by its `_id`, a replacement makes a document of its own fields in its own order.
  if (Array.isArray(spec) || isOperatorUpdate(spec) || Object.keys(spec)[0] !== '_id') return undefined;
  const sent = receivedBytes(spec);
  if (sent === undefined) return undefined;
  const sentId = leadingElement(sent);
  return sentId !== null && sentId.equals(leadingElement(old.blob) ?? Buffer.alloc(0)) ? sent : undefined;
}

/** Applies one `updates` entry: every match (multi) or the first, else the upsert. */
function updateStatement(ctx: CommandContext, name: string, stmt: Doc, variables: Doc | undefined): UpdateOutcome {
  const filter = docOption(stmt, 'q') ?? {};
  const spec = parseUpdateSpec(stmt.u);
  const multi = stmt.multi === true;
  if (multi && !Array.isArray(spec) && !isOperatorUpdate(spec)) {
    throw new CommandError('FailedToParse', 'multi update is not supported for replacement-style update');
  }
  const arrayFilters = Array.isArray(stmt.arrayFilters) ? stmt.arrayFilters.filter(isPlainObject) : undefined;
  const coll = ctx.engine.catalog.get(ctx.db, name);
  const matched = [
    ...findStored(
      ctx.engine.sql,
      coll,
      {
        filter,
        limit: multi ? 0 : 1,
        sort: parseSort(stmt.sort),
        collation: docOption(stmt, 'collation'),
        variables,
      },
      newStats(),
    ),
  ];
  if (coll && matched.length > 0) {
    let nModified = 0;
    for (const stored of matched) {
      const next = applyUpdate(stored.doc, spec, { arrayFilters, filter });
      if (ctx.engine.store.replace(coll, stored, next, replacedAsSent(spec, stored)).modified) nModified++;
    }
    return { n: matched.length, nModified };
  }
  if (stmt.upsert !== true) return { n: 0, nModified: 0 };
  const target = ctx.engine.catalog.ensure(ctx.db, name).coll;
  const doc = upsertDocument(filter, spec, arrayFilters);
  // A replacement led by its own `_id` is inserted as it came (upsertDocument copies it
  // unchanged); one given an `_id` here (it had none, or an undefined one) is encoded anew.
  const sent =
    !Array.isArray(spec) &&
    !isOperatorUpdate(spec) &&
    Object.keys(spec)[0] === '_id' &&
    spec._id !== undefined &&
    doc._id === spec._id;
  ctx.engine.store.insert(target, doc, sent ? receivedBytes(spec) : undefined);
  return { n: 1, nModified: 0, upsertedId: doc._id };
}

const update: CommandHandler = (cmd, ctx) => {
  const name = collectionArg(cmd, 'update', ctx);
  const statements = docsArg(cmd, 'updates');
  const variables = docOption(cmd, 'let');
  let n = 0;
  let nModified = 0;
  const upserted: Doc[] = [];
  const writeErrors = runBatch(
    cmd,
    ctx,
    statements,
    (stmt, index) => {
      const outcome = updateStatement(ctx, name, stmt, variables);
      n += outcome.n;
      nModified += outcome.nModified;
      if (outcome.upsertedId !== undefined) upserted.push({ index, _id: outcome.upsertedId });
    },
    // A multi update can be refused at its second document, after writing the first; an upsert
    // may create the collection before its update is found malformed.
    (stmt) => stmt.multi === true || ctx.engine.catalog.get(ctx.db, name) === undefined,
  );
  return { n, nModified, ...(upserted.length ? { upserted } : {}), ...(writeErrors.length ? { writeErrors } : {}) };
};

const del: CommandHandler = (cmd, ctx) => {
  const name = collectionArg(cmd, 'delete', ctx);
  const statements = docsArg(cmd, 'deletes');
  const variables = docOption(cmd, 'let');
  let n = 0;
  const writeErrors = runBatch(
    cmd,
    ctx,
    statements,
    (stmt) => {
      const limit = intOption(stmt, 'limit', 0);
      if (limit !== 0 && limit !== 1) {
        throw new CommandError('FailedToParse', `The limit field in delete objects must be 0 or 1. Got ${limit}`);
      }
      const coll = ctx.engine.catalog.get(ctx.db, name);
      if (!coll) return;
      const filter = docOption(stmt, 'q') ?? {};
      const matched = [
        ...findStored(
          ctx.engine.sql,
          coll,
          { filter, limit, collation: docOption(stmt, 'collation'), variables },
          newStats(),
        ),
      ];
      for (const stored of matched) ctx.engine.store.remove(coll, stored);
      n += matched.length;
    },
    // Everything that can refuse a delete (its limit, its filter) is read before it removes anything.
    () => false,
  );
  return { n, ...(writeErrors.length ? { writeErrors } : {}) };
};

/** The write commands, by name. */
export const writeCommands: Record<string, CommandHandler> = { insert, update, delete: del };
