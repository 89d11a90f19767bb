import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { ConfigError, type SwitchboardConfig } from '../config';

/** The demo department systems, running in a child process. */
export interface DemoSilos {
  urls: Record<string, string>;
  close(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);
const DEMO_SILOS = ['accounting', 'sales', 'credit', 'support'];

/**
 * The port each demo silo must listen on: the one in its connector's URL, so the hub finds it.
 * A connector URL that is not on this machine cannot be served by a demo silo; that is a
 * configuration error, not something to guess around.
 */
export function demoSiloPorts(config: SwitchboardConfig): Record<string, number> {
  const ports: Record<string, number> = {};
  for (const name of DEMO_SILOS) {
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

/** The command that runs the silos' CLI, compiled or (in development) through ts-node. */
function siloCommand(): { command: string; args: string[] } {
  const compiled = path.join(__dirname, '..', 'silos', 'cli.js');
  if (existsSync(compiled)) return { command: process.execPath, args: [compiled] };
  const source = path.join(__dirname, '..', 'silos', 'cli.ts');
  return { command: process.execPath, args: ['-r', 'ts-node/register/transpile-only', source] };
}

/**
 * Starts the demo silos in a child process (so their work never competes with the gateway's
 * event loop) and waits until they all listen.
 */
export async function startDemoSilos(config: SwitchboardConfig, timeoutMs = 60_000): Promise<DemoSilos> {
  const ports = demoSiloPorts(config);
  const { command, args } = siloCommand();
  const flags = ['--seed', String(config.demo.seed), '--scale', String(config.demo.scale)];
  for (const [name, port] of Object.entries(ports)) flags.push(`--${name}-port`, String(port));
  const child: ChildProcess = spawn(command, [...args, ...flags], { stdio: ['ignore', 'pipe', 'inherit'] });

  const urls = await new Promise<Record<string, string>>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGTERM');
      reject(new Error(`The demo systems did not start within ${timeoutMs} ms`));
    }, timeoutMs);
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      if (!line.startsWith('SILOS_READY ')) return;
      clearTimeout(timer);
      resolve(JSON.parse(line.slice('SILOS_READY '.length)) as Record<string, string>);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`The demo systems exited with code ${code} before they were ready (is a port in use?)`));
    });
  });

  return {
    urls,
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
