import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { EmbeddedMongo, EmbeddedMongoOptions } from './index';
import { resolveOptions } from './options';
import { rebuildError, type ServerMessage } from './messages';

/** The worker, compiled (`dist/`) or from source through ts-node (development and tests). */
function spawnWorker(options: EmbeddedMongoOptions): Worker {
  const compiled = path.join(__dirname, 'thread-worker.js');
  if (__filename.endsWith('.js')) return new Worker(compiled, { workerData: options });
  const source = path.join(__dirname, 'thread-worker.ts');
  return new Worker(`require('ts-node/register/transpile-only'); require(${JSON.stringify(source)});`, {
    eval: true,
    workerData: options,
  });
}

/**
 * Starts the embedded server in a worker thread of this process: the same server as
 * `startEmbeddedMongo`, but its query, storage and encoding work runs on another core instead of
 * the caller's event loop, as a real MongoDB's would. Options are checked here first, so a bad
 * option fails the same way.
 */
export function startEmbeddedMongoThread(options: EmbeddedMongoOptions = {}): Promise<EmbeddedMongo> {
  resolveOptions(options);
  const worker = spawnWorker(options);
  return new Promise<EmbeddedMongo>((resolve, reject) => {
    const onExit = (code: number) =>
      reject(new Error(`The embedded server thread stopped (exit code ${code}) before it was ready`));
    worker.once('exit', onExit);
    worker.once('error', reject);
    worker.once('message', (message: ServerMessage) => {
      worker.off('exit', onExit);
      if (message.type === 'error') return reject(rebuildError(message));
      if (message.type !== 'ready')
        return reject(new Error(`Unexpected first message from the embedded server thread: ${message.type}`));
      worker.off('error', reject);
      // A thread that dies is reported, and close() must not wait for an exit that already happened.
      let exited = false;
      worker.on('error', (error) => console.error('error: the embedded MongoDB server thread failed', error));
      worker.once('exit', () => (exited = true));
      let closing: Promise<void> | null = null;
      resolve({
        uri: message.uri,
        socketPath: message.socketPath,
        tcp: message.tcp,
        pid: process.pid,
        close: () =>
          (closing ??= exited
            ? Promise.resolve()
            : new Promise<void>((done) => {
                worker.once('exit', () => done());
                worker.postMessage({ type: 'close' } satisfies ServerMessage);
              })),
      });
    });
  });
}
