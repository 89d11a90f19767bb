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
  /** 200 announcing 1000 bytes of JSON, then the connection drops after the first few. */
  | { kind: 'cutOff' }
  /** 200, `content-encoding: gzip`, and a body that is not gzip. */
  | { kind: 'corruptGzip' }
  /** 200 with `bytes` of a JSON string, streamed. */
  | { kind: 'huge'; bytes: number }
  /** 200, `content-encoding: gzip`, a small body inflating to `inflatedBytes`. */
  | { kind: 'gzipBomb'; inflatedBytes: number }
  /** No answer until `releaseHeld()`, then the default. */
  | { kind: 'hold' }
  /** The default answer, but only after `afterMs` (a system that is slow, not dead). */
  | { kind: 'late'; afterMs: number };

/** A loopback HTTP server that answers as scripted: a department system behaving as badly as it likes. */
export interface MisbehavingSystem {
  readonly url: string;
  /** Answers for the next requests, in order; once used up, `fallback` answers. */
  script(...faults: Fault[]): void;
  /** What answers when nothing is scripted (default: `{ kind: 'json', body: {} }`). */
  fallback: (request: http.IncomingMessage, body: string) => Fault | Promise<Fault>;
  /** Requests received, control-free. */
  readonly requests: number;
  /** Each request received, in order: method, path with query, and when it arrived (`performance.now()`). */
  readonly received: ReadonlyArray<{ method: string; url: string; at: number }>;
  /** Body bytes written to clients so far. */
  readonly bytesSent: number;
  releaseHeld(): void;
  /** Resolves once a request is being held. */
  whenHeld(): Promise<void>;
  /** Stops listening and drops every connection: until `up()`, connecting is refused (ECONNREFUSED). */
  down(): Promise<void>;
  /** Listens again on the same port. */
  up(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A fallback that answers as the system at `target` does (same method, path and body, its status
 * and JSON body): the misbehaving system behaving, for the requests nothing is scripted for.
 */
export function forwardTo(target: string): MisbehavingSystem['fallback'] {
  return async (request, body) => {
    const answer = await fetch(new URL(request.url ?? '/', target), {
      method: request.method,
      headers: { 'content-type': 'application/json' },
      body: request.method === 'GET' || request.method === 'HEAD' ? undefined : body,
    });
    return { kind: 'json', status: answer.status, body: await answer.json() };
  };
}

const bombs = new Map<number, Buffer>();

/**
 * The gzip of `inflatedBytes` spaces, made once per size. Compressing 64 MiB blocks the event
 * loop for a second or more, which in the hub's own process would look like a slow system:
 * call this before the clock that matters starts.
 */
export function gzipBomb(inflatedBytes: number): Buffer {
  let bomb = bombs.get(inflatedBytes);
  if (!bomb) bombs.set(inflatedBytes, (bomb = zlib.gzipSync(Buffer.alloc(inflatedBytes, 0x20))));
  return bomb;
}

/** Starts the misbehaving system on a free loopback port. */
export async function startMisbehavingSystem(): Promise<MisbehavingSystem> {
  const queue: Fault[] = [];
  const held: Array<() => void> = [];
  const heldWaiters: Array<() => void> = [];
  const timers = new Set<NodeJS.Timeout>();
  let requests = 0;
  let bytesSent = 0;
  const received: Array<{ method: string; url: string; at: number }> = [];
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
      case 'cutOff':
        response.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
        response.write('{"results": [');
        bytesSent += 13;
        setImmediate(() => response.destroy());
        return;
      case 'corruptGzip':
        response.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
        response.end('{"results": []}');
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
        const bomb = gzipBomb(fault.inflatedBytes);
        bytesSent += bomb.length;
        response.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
        response.end(bomb);
        return;
      }
      case 'hold':
        held.push(() => void respond(request, body, response));
        for (const wake of heldWaiters.splice(0)) wake();
        return;
      case 'late': {
        const timer = setTimeout(() => {
          timers.delete(timer);
          if (!response.destroyed) void respond(request, body, response);
        }, fault.afterMs);
        timers.add(timer);
        response.on('close', () => {
          clearTimeout(timer);
          timers.delete(timer);
        });
        return;
      }
    }
  };
  const respond = async (request: http.IncomingMessage, body: string, response: http.ServerResponse) =>
    answer(await self.fallback(request, body), request, body, response);

  const server = http.createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      requests += 1;
      received.push({ method: request.method ?? 'GET', url: request.url ?? '/', at: performance.now() });
      const fault = queue.shift();
      void (fault ? answer(fault, request, body, response) : respond(request, body, response));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const stopListening = async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
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
    get received() {
      return received;
    },
    releaseHeld: () => {
      for (const release of held.splice(0)) release();
    },
    whenHeld: () => (held.length > 0 ? Promise.resolve() : new Promise<void>((resolve) => heldWaiters.push(resolve))),
    down: stopListening,
    up: () =>
      new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, '127.0.0.1', () => {
          server.off('error', reject);
          resolve();
        });
      }),
    async close() {
      for (const release of held.splice(0)) release();
      for (const timer of timers) clearInterval(timer);
      if (server.listening) await stopListening();
    },
  };
  return running;
}
