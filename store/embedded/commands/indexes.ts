/**
 * Index commands: createIndexes (idempotent, like MongoDB's: an identical index is "already
 * there", a conflicting one is an error), listIndexes and dropIndexes.
 */
import type { CollectionInfo } from '../catalog';
import { CommandError } from '../errors';
import {
  ID_INDEX_NAME,
  type IndexInfo,
  type IndexSpec,
  keyPatternDoc,
  parseIndexSpec,
  sameDefinition,
  sameKey,
} from '../indexes';
import { type Doc, formatValue, isPlainObject } from '../values';
import {
  collectionArg,
  type CommandContext,
  type CommandHandler,
  cursorBatchSize,
  cursorReply,
  docsArg,
  wantsJournal,
} from './context';

const ID_INDEX: Doc = { v: 2, key: { _id: 1 }, name: ID_INDEX_NAME };

function isIdIndex(spec: IndexSpec): boolean {
  return (
    spec.name === ID_INDEX_NAME ||
    (spec.key.length === 1 && spec.key[0][0] === '_id' && spec.key[0][1] === 1 && !spec.unique)
  );
}

/** Adds one index unless an identical one exists; returns whether it was built. */
function addIndex(ctx: CommandContext, coll: CollectionInfo, spec: IndexSpec): boolean {
  if (isIdIndex(spec)) return false;
  const named = coll.indexes.find((i) => i.name === spec.name);
  if (named) {
    if (sameDefinition(named, spec)) return false;
    throw new CommandError(
      'IndexKeySpecsConflict',
      `An existing index has the same name as the requested index. Requested index: ${formatValue(spec.raw)}, existing index: ${formatValue(named.raw)}`,
    );
  }
  const sameKeys = coll.indexes.find((i) => sameKey(i, spec));
  if (sameKeys) {
    const detail = sameDefinition(sameKeys, spec)
      ? `Index already exists with a different name: ${sameKeys.name}`
      : `An equivalent index already exists with a different name and options. Requested index: ${formatValue(spec.raw)}, existing index: ${formatValue(sameKeys.raw)}`;
    throw new CommandError('IndexOptionsConflict', detail);
  }
  const index = ctx.engine.catalog.addIndex(coll, spec);
  ctx.engine.store.buildIndex(coll, index);
  return true;
}

const createIndexes: CommandHandler = (cmd, ctx) => {
  const name = collectionArg(cmd, 'createIndexes', ctx);
  const specs = docsArg(cmd, 'indexes').map(parseIndexSpec);
  if (specs.length === 0) throw new CommandError('BadValue', 'Must specify at least one index to create');
  return ctx.engine.write(() => {
    const { coll, created } = ctx.engine.catalog.ensure(ctx.db, name);
    const numIndexesBefore = coll.indexes.length + 1;
    let built = 0;
    for (const spec of specs) if (addIndex(ctx, coll, spec)) built++;
    return {
      createdCollectionAutomatically: created,
      numIndexesBefore,
      numIndexesAfter: coll.indexes.length + 1,
      ...(built === 0 ? { note: 'all indexes already exist' } : {}),
    };
  }, wantsJournal(cmd));
};

const listIndexes: CommandHandler = (cmd, ctx) => {
  const name = collectionArg(cmd, 'listIndexes', ctx);
  const coll = ctx.engine.catalog.get(ctx.db, name);
  if (!coll) throw new CommandError('NamespaceNotFound', `ns does not exist: ${ctx.db}.${name}`);
  const docs = [ID_INDEX, ...coll.indexes.map((i) => i.raw)];
  return cursorReply(ctx.engine.cursors.open(`${ctx.db}.${name}`, docs, cursorBatchSize(cmd)), true);
};

/** Resolves the `index` argument: '*', a name, a list of names, or a key pattern. */
function indexesToDrop(coll: CollectionInfo, target: unknown): IndexInfo[] {
  if (target === '*') return [...coll.indexes];
  const names = typeof target === 'string' ? [target] : Array.isArray(target) ? target : null;
  if (names) {
    return names.map((n) => {
      if (n === ID_INDEX_NAME) throw new CommandError('InvalidOptions', 'cannot drop _id index');
      const found = coll.indexes.find((i) => i.name === n);
      if (!found) throw new CommandError('IndexNotFound', `index not found with name [${String(n)}]`);
      return found;
    });
  }
  if (isPlainObject(target)) {
    const spec = parseIndexSpec({ key: target });
    if (isIdIndex(spec)) throw new CommandError('InvalidOptions', 'cannot drop _id index');
    const found = coll.indexes.find((i) => sameKey(i, spec));
    if (!found)
      throw new CommandError('IndexNotFound', `can't find index with key: ${formatValue(keyPatternDoc(spec.key))}`);
    return [found];
  }
  throw new CommandError('TypeMismatch', "Field 'index' must be a string, an array of strings or an object");
}

const dropIndexes: CommandHandler = (cmd, ctx) => {
  const name = collectionArg(cmd, Object.keys(cmd)[0], ctx);
  const coll = ctx.engine.catalog.get(ctx.db, name);
  if (!coll) throw new CommandError('NamespaceNotFound', `ns not found ${ctx.db}.${name}`);
  const nIndexesWas = coll.indexes.length + 1;
  const victims = indexesToDrop(coll, cmd.index);
  ctx.engine.write(() => victims.forEach((index) => ctx.engine.catalog.removeIndex(coll, index)), wantsJournal(cmd));
  return { nIndexesWas };
};

/** The index commands, by name. */
export const indexCommands: Record<string, CommandHandler> = {
  createIndexes,
  listIndexes,
  dropIndexes,
  deleteIndexes: dropIndexes,
};
