#!/usr/bin/env node
// `node dist/bench/accept-burst.js`: how long a Node server whose event loop is busy takes to
// accept a burst of connections opened at once (bench/README.md, "The tail under 50 connections").
import { spawn } from 'node:child_process';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { parseArgs } from 'node:util';

/** One burst: when the server accepted each connection, and how fast the client saw them open. */
export interface AcceptBurst {
  /** Length of each event-loop turn the server was kept busy with, ms (0: an idle server). */
  turnMs: number;
  connections: number;
  /** Ms from the first connection the server accepted to the last. */
  spreadMs: number;
  /** Ms from the first connection accepted to each, in the order they were accepted. */
  acceptedAtMs: number[];
  /** Ms from the client's first connection open to its last (the kernel's handshakes, not the server's code). */
  connectedWithinMs: number;
}

/** The largest burst: past the default listen backlog (511) the kernel drops handshakes, and retries add seconds. */
export const MAX_BURST = 500;

/** Keeps the event loop busy in turns of `turnMs` of synchronous work, until stopped. */
function busyTurns(turnMs: number): () => void {
  let stopped = false;
  const turn = () => {
    if (stopped) return;
    const end = performance.now() + turnMs;
    while (performance.now() < end);
    setImmediate(turn);
  };
  if (turnMs > 0) setImmediate(turn);
  return () => {
    stopped = true;
  };
}

/**
 * The client, a script of its own: it tells the parent it runs, opens every connection in one
 * synchronous loop, reports how far apart it saw the first and the last open, and exits once
 * the server has ended them all.
 */
const CLIENT = `
const net = require('node:net');
const [port, count] = process.argv.slice(1).map(Number);
const opened = [];
process.send('ready', () => {
  for (let i = 0; i < count; i++) {
    const socket = net.connect(port, '127.0.0.1');
    socket.on('connect', () => {
      opened.push(performance.now());
      if (opened.length === count) {
        process.send({ connectedWithinMs: opened[count - 1] - opened[0] }, () => process.channel.unref());
      }
    });
    socket.on('error', () => socket.destroy());
    socket.on('end', () => socket.destroy());
  }
});`;

/**
 * Opens `connections` connections at once from a child process (so the client's own loop is
 * free) to a server in this process whose loop is busy in turns of `turnMs`, and reports when
 * the server accepted each, beside how fast the client saw them open (the kernel completes each
 * handshake on its own; the server's code takes them later). Resolves once the server is closed.
 */
export function measureAcceptBurst(turnMs: number, connections: number): Promise<AcceptBurst> {
  if (!Number.isSafeInteger(connections) || connections < 1 || connections > MAX_BURST) {
    return Promise.reject(new Error(`a burst is 1 to ${MAX_BURST} connections, got ${connections}`));
  }
  const accepted: number[] = [];
  let connectedWithinMs: number | null = null;
  let done = false;
  let stopBusy: () => void = () => undefined;
  return new Promise((resolve, reject) => {
    const server: Server = createServer((socket) => {
      accepted.push(performance.now());
      socket.end();
      settleIfComplete();
    });
    let client: ReturnType<typeof spawn> | null = null;
    // One accept per turn at most, plus the start of a child process.
    const timeoutMs = 5_000 + 2 * Math.max(turnMs, 1) * connections;
    const timer = setTimeout(
      () => finish(new Error(`only ${accepted.length} of ${connections} accepted in ${timeoutMs} ms`)),
      timeoutMs,
    );
    const finish = (error?: Error) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      stopBusy();
      if (client && client.exitCode === null) client.kill();
      server.close(() => {
        if (error) return reject(error);
        const first = accepted[0];
        const acceptedAtMs = accepted.map((at) => Math.round(at - first));
        resolve({
          turnMs,
          connections,
          spreadMs: acceptedAtMs[acceptedAtMs.length - 1],
          acceptedAtMs,
          connectedWithinMs: Math.round(connectedWithinMs ?? 0),
        });
      });
    };
    function settleIfComplete(): void {
      if (accepted.length === connections && connectedWithinMs !== null) finish();
    }
    server.once('error', (error) => finish(error));
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      const child = spawn(process.execPath, ['-e', CLIENT, String(port), String(connections)], {
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      });
      client = child;
      child.once('error', (error) => finish(error));
      child.once('exit', (code) => {
        if (accepted.length < connections || connectedWithinMs === null) {
          finish(new Error(`the client exited (${code}) with ${accepted.length} of ${connections} accepted`));
        }
      });
      child.on('message', (message: unknown) => {
        // The loop is kept busy from when the client runs (a late message after the end starts nothing).
        if (message === 'ready' && !done) stopBusy = busyTurns(turnMs);
        else if (typeof message === 'object' && message !== null && 'connectedWithinMs' in message) {
          connectedWithinMs = Number(message.connectedWithinMs);
          settleIfComplete();
        }
      });
    });
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { connections: { type: 'string', default: '50' } } });
  const connections = Number(values.connections);
  if (!Number.isSafeInteger(connections) || connections < 1 || connections > MAX_BURST) {
    throw new Error(`--connections must be a whole number from 1 to ${MAX_BURST}, got "${values.connections}"`);
  }
  for (const turnMs of [0, 5, 20, 50]) {
    const burst = await measureAcceptBurst(turnMs, connections);
    const loop = turnMs === 0 ? 'idle event loop' : `event loop busy in ${turnMs} ms turns`;
    process.stdout.write(
      `${loop}: ${connections} connections opened within ${burst.connectedWithinMs} ms, accepted over ${burst.spreadMs} ms\n`,
    );
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(1);
  });
}
