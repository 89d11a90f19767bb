#!/usr/bin/env node
// `node dist/bench/accept-burst.js`: how long a Node server whose event loop is busy takes to
// accept a burst of connections opened at once (bench/README.md, "The tail under 50 connections").
import { spawn } from 'node:child_process';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { parseArgs } from 'node:util';

/** One burst: when the server accepted each connection, ms after the first. */
export interface AcceptBurst {
  /** Length of each event-loop turn the server was kept busy with, ms (0: an idle server). */
  turnMs: number;
  connections: number;
  /** Ms from the first connection accepted to the last. */
  spreadMs: number;
  /** Ms from the first connection accepted to each, in the order they were accepted. */
  acceptedAtMs: number[];
}

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
 * Opens `connections` connections at once from a child process (so the client's own loop is
 * free) to a server in this process whose loop is busy in turns of `turnMs`, and reports when
 * the server accepted each. The kernel completes every handshake at once (the client sees each
 * connection open within a few ms); what is measured is when the server's code got each one.
 */
export function measureAcceptBurst(turnMs: number, connections: number): Promise<AcceptBurst> {
  const accepted: number[] = [];
  return new Promise((resolve, reject) => {
    const server: Server = createServer((socket) => {
      accepted.push(performance.now());
      socket.end();
      if (accepted.length === connections) finish();
    });
    let stopBusy: () => void = () => undefined;
    const timer = setTimeout(
      () => finish(new Error(`only ${accepted.length} of ${connections} accepted in 30 s`)),
      30_000,
    );
    const finish = (error?: Error) => {
      clearTimeout(timer);
      stopBusy();
      server.close();
      if (error) return reject(error);
      const first = accepted[0];
      const acceptedAtMs = accepted.map((at) => Math.round(at - first));
      resolve({ turnMs, connections, spreadMs: acceptedAtMs[acceptedAtMs.length - 1], acceptedAtMs });
    };
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      const client = spawn(process.execPath, ['-e', CLIENT, String(port), String(connections)], {
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      });
      client.once('error', (error) => finish(error));
      // Busy only once the client runs: its start-up must not be what is timed.
      client.once('message', () => {
        stopBusy = busyTurns(turnMs);
      });
    });
  });
}

/**
 * The client, a script of its own: it tells the parent it runs, then opens every connection in
 * one synchronous loop, and exits once the server has ended them all.
 */
const CLIENT = `
const net = require('node:net');
const [port, count] = process.argv.slice(1).map(Number);
process.send('ready', () => {
  for (let i = 0; i < count; i++) {
    const socket = net.connect(port, '127.0.0.1');
    socket.on('error', () => socket.destroy());
    socket.on('end', () => socket.destroy());
  }
  process.channel.unref();
});`;

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { connections: { type: 'string', default: '50' } } });
  const connections = Number(values.connections);
  if (!Number.isSafeInteger(connections) || connections < 1 || connections > 1_000) {
    throw new Error(`--connections must be a whole number from 1 to 1000, got "${values.connections}"`);
  }
  for (const turnMs of [0, 5, 20, 50]) {
    const burst = await measureAcceptBurst(turnMs, connections);
    const loop = turnMs === 0 ? 'idle event loop' : `event loop busy in ${turnMs} ms turns`;
    process.stdout.write(`${loop}: ${connections} connections opened at once, accepted over ${burst.spreadMs} ms\n`);
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(1);
  });
}
