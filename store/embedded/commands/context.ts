/**
 * What every command handler receives and the reply shapes they share (cursor replies, argument
 * checks), so each handler file only holds its commands' logic.
 */
import type { CursorBatch } from '../cursors';
import type { Engine } from '../engine';
import { CommandError } from '../errors';
import { validateCollectionName } from '../catalog';
import { describeType, type Doc, isPlainObject, toNumber } from '../values';

/** The request a handler serves. */
export interface CommandContext {
  engine: Engine;
  /** The command's database (`$db`). */
  db: string;
  /** This connection's id, as `hello` reports it. */
  connectionId: number;
  /** Connection counts, for serverStatus. */
  connections: { current: number; totalCreated: number };
}

/** A command: reads the command document, returns the reply without `ok` (added on success). */
export type CommandHandler = (cmd: Doc, ctx: CommandContext) => Doc;

/** The collection a command names in its first field (`{ find: 'users' }`). */
export function collectionArg(cmd: Doc, name: string, ctx: CommandContext): string {
  const value = cmd[name];
  if (typeof value !== 'string') {
    throw new CommandError('InvalidNamespace', `collection name has invalid type ${describeType(value)}`);
  }
  return validateCollectionName(ctx.db, value);
}

/** An array-of-documents argument (`documents`, `updates`, `deletes`, `indexes`). */
export function docsArg(cmd: Doc, name: string): Doc[] {
  const value = cmd[name];
  if (!Array.isArray(value) || !value.every(isPlainObject)) {
    throw new CommandError(
      'TypeMismatch',
      `Field '${name}' must be an array of documents, found ${describeType(value)}`,
    );
  }
  return value;
}

/** True when the write concern asks for a journaled (fsynced) commit. */
export function wantsJournal(cmd: Doc): boolean {
  const wc = cmd.writeConcern;
  return isPlainObject(wc) && (wc.j === true || wc.fsync === true);
}

/** The `{ cursor: { firstBatch | nextBatch, id, ns } }` reply drivers expect (id is an int64). */
export function cursorReply(batch: CursorBatch, first: boolean): Doc {
  return { cursor: { [first ? 'firstBatch' : 'nextBatch']: batch.docs, id: batch.id, ns: batch.ns } };
}

/** The optional `cursor.batchSize` of commands that open cursors (aggregate, listIndexes...). */
export function cursorBatchSize(cmd: Doc): number | undefined {
  const cursor = cmd.cursor;
  if (!isPlainObject(cursor) || cursor.batchSize === undefined) return undefined;
  const n = toNumber(cursor.batchSize);
  return n !== undefined && Number.isFinite(n) && n >= 0 ? Math.trunc(n) : undefined;
}
