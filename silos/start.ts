import type { AddressInfo } from 'node:net';
import { buildSiloApp, DEFAULT_SILO_PORTS, SILO_NAMES } from './apps';
import type { SiloName, World } from './generator/types';
import { generateWorld } from './generator/world';

/** Options of `startSilos`; every one has a default. */
export interface StartSilosOptions {
  /** Seed of the generated world (default 42); ignored when `world` is given. */
  seed?: number;
  /** People in the generated world (default 1000, at most 100000); ignored when `world` is given. */
  scale?: number;
  /** Interface to listen on (default 127.0.0.1). */
  host?: string;
  /** Port per silo (default `DEFAULT_SILO_PORTS`); 0 lets the OS pick a free one. */
  ports?: Partial<Record<SiloName, number>>;
  /** Latency added to every API request, ms (default 0). */
  latencyMs?: number;
  /** Up to this many ms more per request (default 0). */
  jitterMs?: number;
  /** Start only these silos (default all four). */
  only?: SiloName[];
  /** Serve this world instead of generating one. */
  world?: World;
}

/** Silos listening over HTTP. */
export interface RunningSilos {
  /** Base URL per started silo (`http://127.0.0.1:4101`); silos left out by `only` are absent. */
  urls: Record<SiloName, string>;
  /** The world they serve. */
  world: World;
  /** Stops every silo; resolves once all have closed. */
  close(): Promise<void>;
}

/** How a URL names the host a server listens on (wildcards are reached over loopback). */
function urlHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

function checkPort(name: SiloName, port: number): number {
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new TypeError(`startSilos expected ports.${name} to be an integer from 0 to 65535, but got ${String(port)}.`);
  }
  return port;
}

/**
 * Generates (or takes) a world and starts the silos on it, each on its own port.
 *
 * @example
 * const silos = await startSilos({ scale: 200, ports: { accounting: 0, sales: 0, credit: 0, support: 0 } });
 * await fetch(`${silos.urls.accounting}/accounts?limit=5`);
 * await silos.close();
 */
export async function startSilos(options: StartSilosOptions = {}): Promise<RunningSilos> {
  const host = options.host ?? '127.0.0.1';
  const names = options.only ?? SILO_NAMES;
  for (const name of names) {
    if (!SILO_NAMES.includes(name)) {
      throw new TypeError(
        `startSilos expected only to list silo names (${SILO_NAMES.join(', ')}), but got "${String(name)}".`,
      );
    }
  }
  const ports = names.map((name) => checkPort(name, options.ports?.[name] ?? DEFAULT_SILO_PORTS[name]));
  const world = options.world ?? generateWorld({ seed: options.seed ?? 42, scale: options.scale ?? 1000 });
  const siloOptions = { latencyMs: options.latencyMs, jitterMs: options.jitterMs };
  const apps = await Promise.all(names.map((name) => buildSiloApp(name, world, siloOptions)));
  const closeAll = async (): Promise<void> => {
    await Promise.all(apps.map((app) => app.close()));
  };

  const listening = await Promise.allSettled(apps.map((app, i) => app.listen({ host, port: ports[i] })));
  const failed = listening.findIndex((result) => result.status === 'rejected');
  if (failed >= 0) {
    await closeAll();
    const reason = (listening[failed] as PromiseRejectedResult).reason as Error;
    throw new Error(`Could not start the ${names[failed]} silo on ${host}:${ports[failed]}: ${reason.message}`);
  }

  const urls = {} as Record<SiloName, string>;
  names.forEach((name, i) => {
    const { port } = apps[i].server.address() as AddressInfo;
    urls[name] = `http://${urlHost(host)}:${port}`;
  });
  return { urls, world, close: closeAll };
}
