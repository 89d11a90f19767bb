// The worker side of startEmbeddedMongoThread: runs one embedded server and answers "close".
import { parentPort, workerData } from 'node:worker_threads';
import { startEmbeddedMongo, type EmbeddedMongoOptions } from './index';
import { errorMessage, type ServerMessage } from './messages';

const port = parentPort!;
const send = (message: ServerMessage) => port.postMessage(message);

startEmbeddedMongo(workerData as EmbeddedMongoOptions).then(
  (server) => {
    send({ type: 'ready', uri: server.uri, socketPath: server.socketPath, tcp: server.tcp });
    port.on('message', (message: ServerMessage) => {
      if (message.type !== 'close') return;
      void server.close().then(() => {
        send({ type: 'closed' });
        port.close();
      });
    });
  },
  (error: Error & { file?: string }) => {
    send(errorMessage(error));
    port.close();
  },
);
