import http from 'node:http';
import https from 'node:https';
import { createServer as createTcpServer } from 'node:net';

/** A server of the contract checks', on 127.0.0.1 and a port the OS chose. */
interface LoopbackServer {
  /** `http://127.0.0.1:<port>`, plus the path of the system's base URL where one is proxied. */
  readonly url: string;
  /** Stops listening and drops every connection still open (held requests included). */
  close(): Promise<void>;
}

/** One request the counting proxy forwarded: what the connector sent its system. */
export interface ForwardedRequest {
  readonly method: string;
  /** Path and query, as sent. */
  readonly url: string;
  readonly body: string;
}

/** A proxy in front of the system that writes down every request the connector makes. */
export interface CountingProxy extends LoopbackServer {
  /** The requests forwarded so far, oldest first. */
  readonly requests: readonly ForwardedRequest[];
}

async function listen(server: http.Server): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new TypeError('Expected a TCP address');
  return `http://127.0.0.1:${address.port}`;
}

function closer(server: http.Server): () => Promise<void> {
  return () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
}

/**
 * A reverse proxy on loopback to the system at `target`: a connector pointed at `proxy.url`
 * talks to the real system, and the proxy counts its requests and keeps their bodies. This is
 * how the checks count upstream requests of a system that has no `/_stats`.
 */
export async function startCountingProxy(target: string): Promise<CountingProxy> {
  const base = new URL(target);
  const basePath = base.pathname.replace(/\/$/, '');
  const client = base.protocol === 'https:' ? https : http;
  // Its own agent, so closing the proxy leaves no socket to the system open.
  const agent = new client.Agent({ keepAlive: true });
  const requests: ForwardedRequest[] = [];
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      const url = request.url ?? '/';
      requests.push({ method: request.method ?? 'GET', url, body: body.toString('utf8') });
      const headers = { ...request.headers, host: base.host };
      const upstream = client.request(
        {
          protocol: base.protocol,
          hostname: base.hostname,
          port: base.port,
          method: request.method,
          path: url,
          headers,
          agent,
        },
        (answer) => {
          response.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(response);
        },
      );
      upstream.on('error', () => response.destroy());
      response.on('close', () => upstream.destroy());
      upstream.end(body);
    });
  });
  const origin = await listen(server);
  return {
    // The connector's base path stays as configured; only scheme, host and port change.
    url: `${origin}${basePath}`,
    requests,
    async close() {
      await closer(server)();
      agent.destroy();
    },
  };
}

/** How a stub system misbehaves: answer every request 503, or never answer at all. */
export type StubBehaviour = 'unavailable' | 'silent';

/**
 * A system on loopback that fails every request the same way, so a second connector instance
 * pointed at it shows how the connector maps that failure. Works for any connector: it needs
 * no `/_chaos` on the real system and never disturbs it.
 */
export async function startStubSystem(behaviour: StubBehaviour): Promise<LoopbackServer> {
  const server = http.createServer((request, response) => {
    request.resume();
    if (behaviour === 'silent') return; // held until close() drops the connection
    response.writeHead(503, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ error: 'unavailable' }));
  });
  return { url: await listen(server), close: closer(server) };
}

/** An http:// URL on which nothing listens: a port the OS handed out and that was closed again. */
export async function closedPortUrl(): Promise<string> {
  const server = createTcpServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new TypeError('Expected a TCP address');
  return `http://127.0.0.1:${address.port}`;
}

/**
 * How often `key` appears in a forwarded request (its URL, decoded, and its body) as a whole
 * token: `AC-1` is not counted inside `AC-10`. A key sent twice in one batch appears twice.
 */
export function occurrencesOf(key: string, request: ForwardedRequest): number {
  let url = request.url;
  try {
    url = decodeURIComponent(url);
  } catch {
    // An undecodable query is searched as sent.
  }
  const escaped = key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const token = new RegExp(`(?<![\\w.@+-])${escaped}(?![\\w.@+-])`, 'g');
  return (url.match(token)?.length ?? 0) + (request.body.match(token)?.length ?? 0);
}
