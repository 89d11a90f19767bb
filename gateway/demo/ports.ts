import net from 'node:net';
import { DemoSilosError } from './errors';

/** The interface the demo silos listen on (the silos CLI's default, which the hub keeps). */
const SILO_HOST = '127.0.0.1';

/** True when binding the port fails because something listens there already. */
function portHeld(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', (error: NodeJS.ErrnoException) => {
      // Other failures (EACCES for a low port, ...) are the silo's to report when it tries.
      resolve(error.code === 'EADDRINUSE');
    });
    server.listen({ port, host: SILO_HOST }, () => server.close(() => resolve(false)));
  });
}

/** The system a demo silo on this port says it is, or null when the holder is something else. */
async function demoSystemAt(port: number): Promise<string | null> {
  try {
    const response = await fetch(`http://${SILO_HOST}:${port}/health`, { signal: AbortSignal.timeout(1_000) });
    const body = (await response.json()) as { status?: unknown; system?: unknown };
    return body.status === 'ok' && typeof body.system === 'string' ? body.system : null;
  } catch {
    return null;
  }
}

/**
 * Fails with one sentence naming every demo port that is already taken, and what to do, instead
 * of letting the child die on EADDRINUSE. When the holder answers as a demo silo, it is most
 * likely one an older Switchboard (which did not record its demo child) left running: say so,
 * but do not kill it, since nothing proves whose it is.
 */
export async function assertDemoPortsFree(ports: Record<string, number>): Promise<void> {
  const entries = Object.entries(ports).filter(([, port]) => port !== 0);
  const held = (await Promise.all(entries.map(async ([name, port]) => ((await portHeld(port)) ? [name, port] : null))))
    // Keeps the type a pair, not a pair or null.
    .filter((entry): entry is [string, number] => entry !== null);
  if (held.length === 0) return;
  const demo = await Promise.all(held.map(([, port]) => demoSystemAt(port)));
  const list = held
    .map(([name, port], i) => `${port} (${name}${demo[i] ? `, where a demo ${demo[i]} system answers` : ''})`)
    .join(', ');
  const [firstName, firstPort] = held[0];
  const likely = demo.some((system) => system !== null)
    ? ' They look like demo systems an earlier Switchboard left running (before it recorded them).'
    : '';
  throw new DemoSilosError(
    `The demo department systems cannot start: ${held.length === 1 ? 'port' : 'ports'} ${list} ` +
      `${held.length === 1 ? 'is' : 'are'} already in use by another process.${likely} Stop that process ` +
      `(\`lsof -iTCP:${firstPort} -sTCP:LISTEN\` shows its pid) and start again, or move the demo systems ` +
      `to free ports (e.g. ${firstName.toUpperCase()}_URL=http://127.0.0.1:<port>).`,
  );
}
