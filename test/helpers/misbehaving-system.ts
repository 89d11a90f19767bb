import http from 'node:http';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';

/** One scripted answer of the misbehaving system. */
export type Fault =
  | { kind: 'json'; body: unknown; status?: number; headers?: Record<string, string> }
  /** Headers at once, then the body one byte every `everyMs` (never finishing on its own). */
  | { kind: 'dribble'; everyMs: number }
  /** The connection is reset before any answer. */
  | { kind: 'reset' }
  /** 200 with a body that is not JSON. */
  | { kind: 'malformed' }
  /** 200 with `bytes` of a JSON string, streamed. */
  | { kind: 'huge'; bytes: number }
  /** 200, `content-encoding: gzip`, a small body inflating to `inflatedBytes`. */
  | { kind: 'gzipBomb'; inflatedBytes: number }
  /** No answer until `releaseHeld()`, then the default. */
  | { kind: 'hold' };

/** A loopback HTTP server that answers as scripted: a department system behaving as badly as it likes. */
export interface MisbehavingSystem {
  readonly url: string;
  /** Answers for the next requests, in order; once used up, `fallback` answers. */
  script(...faults: Fault[]): void;
  /** What answers when nothing is scripted (default: `{ kind: 'json', body: {} }`). */
  fallback: (request: http.IncomingMessage, body: string) => Fault | Promise<Fault>;
  /** Requests received, control-free. */
  readonly requests: number;
  /** Body bytes written to clients so far. */
  readonly bytesSent: number;
  releaseHeld(): void;
  /** Resolves once a request is being held. */
  whenHeld(): Promise<void>;
  close(): Promise<void>;
}

/** Starts the misbehaving system on a free loopback port. */
export async function startMisbehavingSystem(): Promise<MisbehavingSystem> {
  const queue: Fault[] = [];
  const held: Array<() => void> = [];
  const heldWaiters: Array<() => void> = [];
  const timers = new Set<NodeJS.Timeout>();
  const bombs = new Map<number, Buffer>();
  let requests = 0;
  let bytesSent = 0;
  const self = {
    fallback: ((): Fault => ({ kind: 'json', body: {} })) as MisbehavingSystem['fallback'],
  };

  const answer = async (fault: Fault, request: http.IncomingMessage, body: string, response: http.ServerResponse) => {
    switch (fault.kind) {
      case 'json': {
        const text = JSON.stringify(fault.body);
        bytesSent += text.length;
        response.writeHead(fault.status ?? 200, { 'content-type': 'application/json', ...fault.headers });
        response.end(text);
        return;
      }
      case 'dribble': {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.flushHeaders();
        const timer = setInterval(() => {
          bytesSent += 1;
          response.write(' ');
        }, fault.everyMs);
        timers.add(timer);
        response.on('close', () => {
          clearInterval(timer);
          timers.delete(timer);
        });
        return;
      }
      case 'reset':
        request.socket.resetAndDestroy();
        return;
      case 'malformed':
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end('{"results": [ {"taxNumber": ');
        return;
      case 'huge': {
        response.writeHead(200, { 'content-type': 'application/json' });
        const chunk = Buffer.alloc(64 * 1024, 0x61);
        let left = fault.bytes;
        const pump = () => {
          while (left > 0 && !response.destroyed) {
            left -= chunk.length;
            bytesSent += chunk.length;
            if (!response.write(chunk)) return void response.once('drain', pump);
          }
          if (!response.destroyed) response.end();
        };
        response.write('"');
        pump();
        return;
      }
      case 'gzipBomb': {
        let bomb = bombs.get(fault.inflatedBytes);
        if (!bomb) bombs.set(fault.inflatedBytes, (bomb = zlib.gzipSync(Buffer.alloc(fault.inflatedBytes, 0x20))));
        bytesSent += bomb.length;
        response.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
        response.end(bomb);
        return;
      }
      case 'hold':
        held.push(() => void respond(request, body, response));
        for (const wake of heldWaiters.splice(0)) wake();
        return;
    }
  };
  const respond = async (request: http.IncomingMessage, body: string, response: http.ServerResponse) =>
    answer(await self.fallback(request, body), request, body, response);

  const server = http.createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      requests += 1;
      const fault = queue.shift();
      void (fault ? answer(fault, request, body, response) : respond(request, body, response));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const running = {
    url: `http://127.0.0.1:${port}`,
    get fallback() {
      return self.fallback;
    },
    set fallback(value: MisbehavingSystem['fallback']) {
      self.fallback = value;
    },
    script: (...faults: Fault[]) => void queue.push(...faults),
    get requests() {
      return requests;
    },
    get bytesSent() {
      return bytesSent;
    },
    releaseHeld: () => {
      for (const release of held.splice(0)) release();
    },
    whenHeld: () => (held.length > 0 ? Promise.resolve() : new Promise<void>((resolve) => heldWaiters.push(resolve))),
    async close() {
      for (const release of held.splice(0)) release();
      for (const timer of timers) clearInterval(timer);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return running;
}
