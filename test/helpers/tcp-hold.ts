import net from 'node:net';

/** A loopback TCP proxy in front of a server that can stop passing bytes: a store (or system) that has gone slow. */
export interface HoldingProxy {
  /** `host:port` of the proxy. */
  readonly address: string;
  readonly port: number;
  /** From now on, bytes from clients are kept back (not lost) until `release`. */
  hold(): void;
  /** Passes on everything kept back, and everything after. */
  release(): void;
  close(): Promise<void>;
}

/** Starts a proxy on a free loopback port that forwards to `target` (`host:port`). */
export async function startHoldingProxy(target: { host: string; port: number }): Promise<HoldingProxy> {
  let holding = false;
  const kept: Array<() => void> = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(target.port, target.host);
    sockets.add(client).add(upstream);
    for (const socket of [client, upstream]) socket.on('close', () => sockets.delete(socket));
    client.on('data', (chunk) => {
      if (holding) kept.push(() => upstream.write(chunk));
      else upstream.write(chunk);
    });
    upstream.pipe(client);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    address: `127.0.0.1:${port}`,
    port,
    hold: () => {
      holding = true;
    },
    release: () => {
      holding = false;
      for (const send of kept.splice(0)) send();
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
