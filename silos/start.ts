import type { AddressInfo } from 'node:net';
import { ALL_SILO_NAMES, buildSiloApp, DEFAULT_SILO_PORTS, SILO_NAMES } from './apps';
import type { SiloName, World } from './generator/types';
import { generateWorld, OPTIONAL_SILO_NAMES } from './generator/world';

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
  /**
   * Start only these silos (default the four of `SILO_NAMES`). Optional silos start only when
   * named here: `only: [...SILO_NAMES, 'marketing']` adds marketing (port 4105 by default).
   */
  only?: readonly SiloName[];
  /**
   * Serve this world instead of generating one. It must hold the records of every optional silo
   * started (`generateWorld({ ..., with: ['marketing'] })`); a generated world holds exactly those.
   */
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
  const names: readonly SiloName[] = options.only ?? SILO_NAMES;
  for (const name of names) {
    if (!ALL_SILO_NAMES.includes(name)) {
      throw new TypeError(
        `startSilos expected only to list silo names (${ALL_SILO_NAMES.join(', ')}), but got "${String(name)}".`,
      );
    }
  }
  const ports = names.map((name) => checkPort(name, options.ports?.[name] ?? DEFAULT_SILO_PORTS[name]));
  // A world generated here holds the optional silos started and no others, so a demo without them
  // serves the very world it served before they existed.
  const optional = OPTIONAL_SILO_NAMES.filter((name) => names.includes(name));
  const world =
    options.world ?? generateWorld({ seed: options.seed ?? 42, scale: options.scale ?? 1000, with: optional });
  for (const name of optional) {
    if (world[name] === undefined) {
      throw new TypeError(
        `startSilos expected the world it was given to hold ${name} records to start the ${name} silo, but it has none: ` +
          `generate it with generateWorld({ seed, scale, with: ['${name}'] }).`,
      );
    }
  }
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
