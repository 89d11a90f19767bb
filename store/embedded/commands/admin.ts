/**
 * Collections and databases: create, drop, rename, list, and their sizes.
 */
import type { CollectionInfo } from '../catalog';
import { CommandError } from '../errors';
import { compileFilter } from '../query';
import { docOption, type Doc, serializeDoc } from '../values';
import {
  collectionArg,
  type CommandContext,
  type CommandHandler,
  cursorBatchSize,
  cursorReply,
  wantsJournal,
} from './context';

/** `create` options kept with the collection (and shown by listCollections). */
const COLLECTION_OPTIONS = [
  'capped',
  'size',
  'max',
  'validator',
  'validationLevel',
  'validationAction',
  'collation',
  'storageEngine',
  'indexOptionDefaults',
  'comment',
];

function sizes(ctx: CommandContext, colls: CollectionInfo[]): { objects: number; bytes: number; indexes: number } {
  let objects = 0;
  let bytes = 0;
  let indexes = 0;
  for (const coll of colls) {
    const row = ctx.engine.sql.collectionSize.get(coll.id);
    objects += row?.n ?? 0;
    bytes += row?.bytes ?? 0;
    indexes += coll.indexes.length + 1;
  }
  return { objects, bytes, indexes };
}

const create: CommandHandler = (cmd, ctx) => {
  const name = collectionArg(cmd, 'create', ctx);
  if (cmd.viewOn !== undefined || cmd.timeseries !== undefined) {
    throw new CommandError(
      'NotImplemented',
      'views and time-series collections are not supported by the embedded MongoDB server',
    );
  }
  const options = Object.fromEntries(COLLECTION_OPTIONS.filter((k) => cmd[k] !== undefined).map((k) => [k, cmd[k]]));
  const existing = ctx.engine.catalog.get(ctx.db, name);
  if (existing) {
    // Since MongoDB 7.0 (SERVER-60064) re-creating with identical options succeeds.
    if (serializeDoc(existing.options).equals(serializeDoc(options))) return {};
    throw new CommandError('NamespaceExists', `namespace ${ctx.db}.${name} already exists, but with different options`);
  }
  ctx.engine.write(() => ctx.engine.catalog.create(ctx.db, name, options), wantsJournal(cmd));
  return {};
};

const drop: CommandHandler = (cmd, ctx) => {
  const name = collectionArg(cmd, 'drop', ctx);
  const coll = ctx.engine.catalog.get(ctx.db, name);
  // MongoDB 7 answers ok for a collection that doesn't exist.
  if (!coll) return {};
  const nIndexesWas = coll.indexes.length + 1;
  ctx.engine.write(() => ctx.engine.catalog.remove(coll), wantsJournal(cmd));
  return { nIndexesWas, ns: `${ctx.db}.${name}` };
};

const dropDatabase: CommandHandler = (cmd, ctx) => {
  const colls = ctx.engine.catalog.list(ctx.db);
  ctx.engine.write(() => colls.forEach((coll) => ctx.engine.catalog.remove(coll)), wantsJournal(cmd));
  return { dropped: ctx.db };
};

/** `{ renameCollection: 'db.from', to: 'db.to', dropTarget }`, run on admin like MongoDB's. */
const renameCollection: CommandHandler = (cmd, ctx) => {
  const split = (value: unknown, field: string): [string, string] => {
    const text = typeof value === 'string' ? value : '';
    const dot = text.indexOf('.');
    if (dot <= 0)
      throw new CommandError('InvalidNamespace', `Invalid namespace specified for '${field}': '${String(value)}'`);
    return [text.slice(0, dot), text.slice(dot + 1)];
  };
  if (ctx.db !== 'admin')
    throw new CommandError('IllegalOperation', 'renameCollection may only be run against the admin database.');
  const [fromDb, fromName] = split(cmd.renameCollection, 'renameCollection');
  const [toDb, toName] = split(cmd.to, 'to');
  const source = ctx.engine.catalog.get(fromDb, fromName);
  if (!source) throw new CommandError('NamespaceNotFound', `Source collection ${fromDb}.${fromName} does not exist`);
  const target = ctx.engine.catalog.get(toDb, toName);
  if (target && cmd.dropTarget !== true) throw new CommandError('NamespaceExists', 'target namespace exists');
  ctx.engine.write(() => {
    if (target) ctx.engine.catalog.remove(target);
    ctx.engine.catalog.rename(source, toDb, toName);
  }, wantsJournal(cmd));
  return {};
};

const listCollections: CommandHandler = (cmd, ctx) => {
  const nameOnly = cmd.nameOnly === true;
  const entries: Doc[] = ctx.engine.catalog.list(ctx.db).map((c) =>
    nameOnly
      ? { name: c.name, type: 'collection' }
      : {
          name: c.name,
          type: 'collection',
          options: c.options,
          info: { readOnly: false },
          idIndex: { v: 2, key: { _id: 1 }, name: '_id_' },
        },
  );
  const matches = compileFilter(docOption(cmd, 'filter') ?? {});
  const docs = entries.filter(matches);
  return cursorReply(ctx.engine.cursors.open(`${ctx.db}.$cmd.listCollections`, docs, cursorBatchSize(cmd)), true);
};

const listDatabases: CommandHandler = (cmd, ctx) => {
  const catalog = ctx.engine.catalog;
  const matches = compileFilter(docOption(cmd, 'filter') ?? {});
  const databases = catalog
    .databases()
    .map((name): { name: string; sizeOnDisk?: number; empty?: boolean } =>
      cmd.nameOnly === true ? { name } : { name, sizeOnDisk: sizes(ctx, catalog.list(name)).bytes, empty: false },
    )
    .filter(matches);
  const totalSize = databases.reduce((sum, db) => sum + (db.sizeOnDisk ?? 0), 0);
  return cmd.nameOnly === true
    ? { databases }
    : { databases, totalSize, totalSizeMb: Math.round(totalSize / 1024 / 1024) };
};

const dbStats: CommandHandler = (_cmd, ctx) => {
  const colls = ctx.engine.catalog.list(ctx.db);
  const { objects, bytes, indexes } = sizes(ctx, colls);
  return {
    db: ctx.db,
    collections: colls.length,
    views: 0,
    objects,
    avgObjSize: objects ? bytes / objects : 0,
    dataSize: bytes,
    storageSize: bytes,
    indexes,
    indexSize: 0,
    totalSize: bytes,
    scaleFactor: 1,
  };
};

/** The collection and database commands, by name. */
export const adminCommands: Record<string, CommandHandler> = {
  create,
  drop,
  dropDatabase,
  renameCollection,
  listCollections,
  listDatabases,
  dbStats,
  dbstats: dbStats,
};
