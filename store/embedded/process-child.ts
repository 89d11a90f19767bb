// The child side of startEmbeddedMongoProcess: runs one embedded server, closes it when asked
// and when the parent goes away (its IPC channel closes, even when the parent was SIGKILLed), so
// the data file is always closed by the server that opened it, never left to a dead process.
import { startEmbeddedMongo, type EmbeddedMongo, type EmbeddedMongoOptions } from './index';
import { errorMessage, type ServerMessage } from './messages';

const send = (message: ServerMessage, then?: () => void): void => {
  if (process.connected) process.send?.(message, undefined, {}, then);
  else then?.();
};

const options = JSON.parse(process.argv[2] ?? '{}') as EmbeddedMongoOptions;

let server: EmbeddedMongo | null = null;
let closing = false;
const close = (): void => {
  if (closing) return;
  closing = true;
  // A parent gone while the server was still starting: it closes as soon as it has started.
  if (server) void server.close().then(() => process.exit(0));
};

// Listened to before the server starts: a parent that dies during the start must not leave a
// server holding the data file with nobody to close it.
process.on('disconnect', close);
process.on('message', (message: ServerMessage) => {
  if (message.type === 'close') close();
});
// The hub closes its store after its own last writes; a stop signal sent to the whole group
// (systemd's control-group kill, a container's stop) must not close it under the hub's feet.
// A hub that dies instead closes the channel, and that closes the store.
process.on('SIGTERM', () => undefined);
process.on('SIGINT', () => undefined);

startEmbeddedMongo(options).then(
  (started) => {
    server = started;
    if (closing || !process.connected) {
      closing = false;
      return close();
    }
    send({ type: 'ready', uri: started.uri, socketPath: started.socketPath, tcp: started.tcp });
  },
  (error: Error & { file?: string }) => send(errorMessage(error), () => process.exit(1)),
);
