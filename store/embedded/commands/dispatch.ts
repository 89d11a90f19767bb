/**
 * Routes a command document to its handler and shapes the reply: `ok: 1` on success, MongoDB's
 * `{ ok: 0, errmsg, code, codeName }` on failure — including for commands this server doesn't
 * know (CommandNotFound, as MongoDB answers) and for transactions (IllegalOperation, as a
 * standalone MongoDB answers). Never throws: every request gets an answer.
 */
import { BSON } from 'mongodb';
import { validateDbName } from '../catalog';
import { CommandError } from '../errors';
import type { Doc } from '../values';
import { adminCommands } from './admin';
import { aggregateCommands } from './aggregate';
import type { CommandContext, CommandHandler } from './context';
import { explainCommands } from './explain';
import { findAndModifyCommands } from './find-and-modify';
import { handshakeCommands } from './handshake';
import { indexCommands } from './indexes';
import { readCommands } from './read';
import { writeCommands } from './write';

const HANDLERS: Record<string, CommandHandler> = {
  ...handshakeCommands,
  ...readCommands,
  ...writeCommands,
  ...findAndModifyCommands,
  ...aggregateCommands,
  ...explainCommands,
  ...indexCommands,
  ...adminCommands,
};

/** MongoDB replies `ok` as a double. */
const OK = new BSON.Double(1);
const NOT_OK = new BSON.Double(0);

/** The reply to a failed command. */
export function errorReply(err: unknown): Doc {
  if (err instanceof CommandError) {
    return { ok: NOT_OK, errmsg: err.message, code: err.code, codeName: err.codeName, ...err.details };
  }
  const message = err instanceof Error ? err.message : String(err);
  return {
    ok: NOT_OK,
    errmsg: `internal error in the embedded MongoDB server: ${message}`,
    code: 1,
    codeName: 'InternalError',
  };
}

function isTransactional(name: string, cmd: Doc): boolean {
  return (
    name === 'commitTransaction' ||
    name === 'abortTransaction' ||
    cmd.startTransaction !== undefined ||
    cmd.autocommit !== undefined ||
    cmd.txnNumber !== undefined
  );
}

/**
 * Runs one command. `ctx.db` is the command's `$db` (validated here). Session fields (`lsid`,
 * `$clusterTime`, `$readPreference`, `readConcern`...) are accepted and ignored.
 */
export function runCommand(cmd: Doc, ctx: CommandContext): Doc {
  const name = Object.keys(cmd)[0];
  try {
    if (name === undefined) throw new CommandError('FailedToParse', 'empty command document');
    validateDbName(ctx.db);
    if (isTransactional(name, cmd)) {
      throw new CommandError(
        'IllegalOperation',
        'Transaction numbers are only allowed on a replica set member or mongos',
      );
    }
    if (!Object.hasOwn(HANDLERS, name)) {
      return { ok: NOT_OK, errmsg: `no such command: '${name}'`, code: 59, codeName: 'CommandNotFound' };
    }
    // `aggregate` with `explain: true` is the older spelling of `explain: { aggregate }`.
    if (name === 'aggregate' && cmd.explain === true) {
      const { explain: _ignored, ...inner } = cmd;
      return { ...HANDLERS.explain({ explain: inner, verbosity: 'queryPlanner' }, ctx), ok: OK };
    }
    return { ...HANDLERS[name](cmd, ctx), ok: OK };
  } catch (err) {
    return errorReply(err);
  }
}
