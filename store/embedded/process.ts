import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { EmbeddedMongo, EmbeddedMongoOptions } from './index';
import { rebuildError, type ServerMessage } from './messages';
import { resolveOptions } from './options';

/**
 * The store's own V8 flags. Every write decodes a command and encodes documents and keys: short-
 * lived garbage by the megabyte, which the default 16 MB young generation promotes and then
 * collects again. At 64 MB it dies young: at 100,000 customers the identity sync and the snapshot
 * run spent 10% less store CPU (49.2 s -> 44.4 s of the snapshot run, in consecutive runs).
 */
const STORE_FLAGS = ['--max-semi-space-size=64'];

/** The child's script, compiled (`dist/`) or from source through ts-node (development and tests). */
function forkServer(options: EmbeddedMongoOptions): ChildProcess {
  const compiled = __filename.endsWith('.js');
  const script = path.join(__dirname, compiled ? 'process-child.js' : 'process-child.ts');
  return fork(script, [JSON.stringify(options)], {
    // Not the parent's flags: an --inspect port or a heap limit sized for the gateway is not the store's.
    execArgv: [...STORE_FLAGS, ...(compiled ? [] : ['-r', 'ts-node/register/transpile-only'])],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    // Its own process group: a terminal's Ctrl-C reaches the hub only, which then closes the store
    // in order (after its last writes) instead of racing it.
    detached: true,
  });
}

/**
 * Starts the embedded server in a child process: the same server as `startEmbeddedMongo`, with
 * its memory and CPU in a process of its own, as a real `mongod`'s would be. The gateway's heap
 * then holds only the gateway, the store's work runs on whichever core is free, and a store that
 * crashes does not take the gateway with it (requests answer STORE_UNAVAILABLE). The child closes
 * the store and exits when this process goes, however it goes. Options are checked here first,
 * so a bad option fails the same way as in-process.
 */
export async function startEmbeddedMongoProcess(options: EmbeddedMongoOptions = {}): Promise<EmbeddedMongo> {
  resolveOptions(options);
  const child = forkServer(options);
  return await new Promise<EmbeddedMongo>((resolve, reject) => {
    const onExit = (code: number | null, signal: NodeJS.Signals | null) =>
      reject(new Error(`The embedded server process stopped (${signal ?? `exit code ${code}`}) before it was ready`));
    child.once('exit', onExit);
    child.once('error', reject);
    child.once('message', (message: ServerMessage) => {
      child.off('exit', onExit);
      child.off('error', reject);
      if (message.type === 'error') return reject(rebuildError(message));
      const pid = child.pid;
      if (message.type !== 'ready' || pid === undefined) {
        child.kill('SIGKILL');
        return reject(new Error(`Unexpected first message from the embedded server process: ${message.type}`));
      }
      let exited = false;
      let closing: Promise<void> | null = null;
      // A channel that breaks (the child gone) must be logged, not crash the hub as an unheard 'error'.
      child.on('error', (error) => console.error('error: the embedded MongoDB server process failed', error));
      child.once('exit', (code, signal) => {
        exited = true;
        if (closing === null)
          console.error(`error: the embedded MongoDB server process stopped (${signal ?? `exit code ${code}`})`);
      });
      // The store must not keep its owner alive on its own: the owner's server or work does that,
      // and when the owner ends without closing, the child closes the store itself.
      child.unref();
      child.channel?.unref();
      resolve({
        uri: message.uri,
        socketPath: message.socketPath,
        tcp: message.tcp,
        pid,
        close: () =>
          (closing ??= exited
            ? Promise.resolve()
            : new Promise<void>((done) => {
                // Held until the child is gone: the data file is free once this resolves.
                child.ref();
                child.once('exit', () => done());
                // Its channel closed already: it is closing the store by itself (see process-child.ts).
                if (child.connected) child.send({ type: 'close' } satisfies ServerMessage);
              })),
      });
    });
  });
}
