import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { ConfigError, type SwitchboardConfig } from '../../config';
// The names only, not silos/index.ts: that loads the silos and their generator into every hub.
import { ALL_SILO_NAMES, OPTIONAL_SILO_NAMES } from '../../silos/names';
import { DemoSilosError, describeExit } from './errors';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/**
 * The port each demo silo must listen on: the one in its connector's URL, so the hub finds it.
 * A demo silo is started for each enabled connector a demo system of the same name exists for.
 * A connector URL that is not on this machine cannot be served by a demo silo; that is a
 * configuration error, not something to guess around.
 */
export function demoSiloPorts(config: SwitchboardConfig): Record<string, number> {
  const ports: Record<string, number> = {};
  for (const name of ALL_SILO_NAMES) {
    const connector = config.connectors[name];
    if (!connector || !connector.enabled) continue;
    const url = new URL(connector.url);
    if (!LOOPBACK.has(url.hostname)) {
      throw new ConfigError(
        `Invalid config: connectors.${name}.url is ${connector.url}, which a demo system cannot serve; ` +
          'set SWITCHBOARD_DEMO=0 (demo.enabled: false) to use the real systems',
      );
    }
    ports[name] = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  }
  return ports;
}

/**
 * The whole command line of the demo child: the silos' CLI, compiled or (in development)
 * through ts-node, in the mode that dies with its parent. It is also what a later start
 * compares with /proc/<pid>/cmdline before it stops a leftover child.
 */
export function demoSiloArgv(config: SwitchboardConfig, ports: Record<string, number>): string[] {
  const compiled = path.join(__dirname, '..', '..', 'silos', 'cli.js');
  const script = existsSync(compiled)
    ? [compiled]
    : ['-r', 'ts-node/register/transpile-only', path.join(__dirname, '..', '..', 'silos', 'cli.ts')];
  const flags = ['--exit-with-parent', '--seed', String(config.demo.seed), '--scale', String(config.demo.scale)];
  for (const [name, port] of Object.entries(ports)) flags.push(`--${name}-port`, String(port));
  // The silos' CLI starts its default systems always, and an optional one only when asked.
  for (const name of OPTIONAL_SILO_NAMES) if (name in ports) flags.push('--with', name);
  return [process.execPath, ...script, ...flags];
}

/**
 * Spawns the demo child. The IPC channel is how it notices the hub's death, even by SIGKILL
 * (`--exit-with-parent`). Its own process group keeps a terminal's Ctrl-C away from it: the hub
 * stops it, in order, instead of racing it and taking its exit for a crash.
 */
export function spawnDemoChild(argv: readonly string[]): ChildProcess {
  return spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'pipe', 'inherit', 'ipc'], detached: true });
}

/** Resolves with the silos' URLs once the child prints SILOS_READY; rejects if it ends or stalls first. */
export function waitUntilReady(child: ChildProcess, timeoutMs: number): Promise<Record<string, string>> {
  return new Promise<Record<string, string>>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGTERM');
      reject(new DemoSilosError(`The demo systems did not start within ${timeoutMs} ms`));
    }, timeoutMs);
    const settle = (): void => {
      clearTimeout(timer);
      child.off('exit', onExit);
      child.off('error', onError);
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null): void => {
      settle();
      reject(
        new DemoSilosError(
          `The demo systems exited with ${describeExit(code, signal)} before they were ready (their own message is above)`,
        ),
      );
    };
    const onError = (error: Error): void => {
      settle();
      reject(new DemoSilosError(`The demo systems could not be started: ${error.message}`));
    };
    child.once('exit', onExit);
    child.once('error', onError);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (!line.startsWith('SILOS_READY ')) return;
      settle();
      resolve(JSON.parse(line.slice('SILOS_READY '.length)) as Record<string, string>);
    });
  });
}
