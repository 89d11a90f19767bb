// The child side of startEmbeddedMongoProcess: runs one embedded server, closes it when asked
// and when the parent goes away (its IPC channel closes, even when the parent was SIGKILLed), so
// the data file is always closed by the server that opened it, never left to a dead process.
import { startEmbeddedMongo, type EmbeddedMongoOptions } from './index';
import { errorMessage, type ServerMessage } from './messages';

const send = (message: ServerMessage, then?: () => void): void => {
  if (process.connected) process.send?.(message, undefined, {}, then);
  else then?.();
};

const options = JSON.parse(process.argv[2] ?? '{}') as EmbeddedMongoOptions;

startEmbeddedMongo(options).then(
  (server) => {
    let closing = false;
    const close = (): void => {
      if (closing) return;
      closing = true;
      void server.close().then(() => process.exit(0));
    };
    process.on('message', (message: ServerMessage) => {
      if (message.type === 'close') close();
    });
    process.on('disconnect', close);
    send({ type: 'ready', uri: server.uri, socketPath: server.socketPath, tcp: server.tcp });
  },
  (error: Error & { file?: string }) => send(errorMessage(error), () => process.exit(1)),
);
