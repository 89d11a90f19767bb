/**
 * The network side: accepts driver connections (on a Unix socket, and on TCP when asked), frames their messages, runs each command and writes
 * the answer. Commands run synchronously (SQLite is synchronous), so replies on a connection
 * leave in request order, and a write's transaction has committed before its reply is written.
 */
import net from 'node:net';
import { runCommand, errorReply } from './commands/dispatch';
import type { Engine } from './engine';
import { CommandError } from './errors';
import { encodeMsg, encodeReply, MessageFramer, parseMessage, WireError, type WireRequest } from './wire';

/** Where to listen: a Unix domain socket, or a TCP host and port (0 = any free port). */
export type Endpoint = { path: string } | { host: string; port: number };

/** A listening server. */
export interface WireServer {
  /** The TCP port of each endpoint, in order (null for a socket). */
  ports: Array<number | null>;
  close(): Promise<void>;
}

/** Starts listening on every endpoint (all or none) and serves the engine on each. */
export async function listen(engine: Engine, endpoints: Endpoint[]): Promise<WireServer> {
  const sockets = new Set<net.Socket>();
  const connections = { current: 0, totalCreated: 0 };

  const serve = (socket: net.Socket) => {
    sockets.add(socket);
    connections.current++;
    const connectionId = ++connections.totalCreated;
    const framer = new MessageFramer();
    socket.setNoDelay(true); // TCP's; a no-op on a Unix socket
    socket.on('data', (chunk: Buffer) => {
      try {
        for (const message of framer.push(chunk)) {
          const reply = answer(engine, parseMessage(message), connectionId, connections);
          if (reply) socket.write(reply);
        }
      } catch (err) {
        // Only a broken stream gets here (bad framing, unknown opcode): MongoDB hangs up too.
        if (!(err instanceof WireError))
          process.emitWarning(`embedded MongoDB connection error: ${(err as Error).message}`);
        socket.destroy();
      }
    });
    socket.on('error', () => socket.destroy()); // a client vanishing is not our failure
    socket.on('close', () => {
      sockets.delete(socket);
      connections.current--;
    });
  };

  const servers: net.Server[] = [];
  const close = () =>
    new Promise<void>((done) => {
      for (const socket of sockets) socket.destroy();
      let open = servers.length;
      if (open === 0) return done();
      for (const server of servers) server.close(() => --open === 0 && done());
    });
  const ports: Array<number | null> = [];
  try {
    for (const endpoint of endpoints) {
      const server = net.createServer(serve);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        const ready = () => {
          server.off('error', reject);
          resolve();
        };
        if ('path' in endpoint) server.listen(endpoint.path, ready);
        else server.listen(endpoint.port, endpoint.host, ready);
      });
      servers.push(server);
      const address = server.address();
      ports.push(typeof address === 'object' && address !== null ? address.port : null);
    }
  } catch (error) {
    await close();
    throw error;
  }
  return { ports, close };
}

/** Runs one request; returns the bytes to send, or null when the client asked for no reply. */
function answer(
  engine: Engine,
  request: WireRequest,
  connectionId: number,
  connections: { current: number; totalCreated: number },
): Buffer | null {
  if (request.op === 'query') {
    const dot = request.collection.indexOf('.');
    const db = request.collection.slice(0, dot);
    if (request.collection.slice(dot + 1) !== '$cmd') {
      // Legacy queries on collections predate wire version 6; drivers never send them to us.
      return encodeReply(
        request.requestId,
        { $err: 'OP_QUERY is only supported for commands', code: 352, ok: 0 },
        true,
      );
    }
    return encodeReply(request.requestId, runCommand(request.command, { engine, db, connectionId, connections }));
  }
  const db = request.command.$db;
  const reply =
    typeof db === 'string'
      ? runCommand(request.command, { engine, db, connectionId, connections })
      : errorReply(new CommandError('FailedToParse', 'OP_MSG requests require a $db argument'));
  return request.moreToCome ? null : encodeMsg(request.requestId, reply);
}
