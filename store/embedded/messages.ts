import type { EmbeddedMongo } from './index';
import { DataDirInUseError } from './data-dir-error';

/** What an embedded server running elsewhere (a worker thread, a child process) and its owner say. */
export type ServerMessage =
  | { type: 'ready'; uri: string; socketPath: string; tcp: EmbeddedMongo['tcp'] }
  | { type: 'error'; name: string; message: string; file?: string }
  | { type: 'close' }
  | { type: 'closed' };

/** The message that reports a failed start, carrying what `rebuildError` needs. */
export function errorMessage(error: Error & { file?: string }): ServerMessage {
  return { type: 'error', name: error.name, message: error.message, file: error.file };
}

/** Rebuilds the error the server reported, keeping the types callers test for. */
export function rebuildError(message: Extract<ServerMessage, { type: 'error' }>): Error {
  if (message.name === 'DataDirInUseError' && message.file) return new DataDirInUseError(message.file);
  const error = new Error(message.message);
  error.name = message.name;
  return error;
}
