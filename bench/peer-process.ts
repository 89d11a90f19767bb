// The peer as the benchmark runs it: installed on demand into bench/peer/, composed by GraphQL
// Mesh from the running silos' own OpenAPI documents, served by Hive Gateway in a child process.
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { prepareForMesh } from './peer-openapi';
import { handle, type ChildHandle } from './processes';

/** The peer's entry points inside bench/peer/node_modules. */
const GATEWAY_BIN = 'node_modules/@graphql-hive/gateway/dist/bin.js';
const COMPOSE_BIN = 'node_modules/@graphql-mesh/compose-cli/esm/bin.js';

/** The peer's packages and versions, as bench/peer/package.json pins them. */
export function peerVersions(peerDir: string): Record<string, string> {
  const manifest = JSON.parse(readFileSync(path.join(peerDir, 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
  };
  return manifest.dependencies;
}

/** Whether bench/peer/ has its packages installed. */
export function peerInstalled(peerDir: string): boolean {
  return existsSync(path.join(peerDir, GATEWAY_BIN)) && existsSync(path.join(peerDir, COMPOSE_BIN));
}

function run(command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs: number }) {
  return new Promise<{ stdout: string; stderr: string }>((resolve, reject) => {
    execFile(
      command,
      args,
      { cwd: options.cwd, env: options.env ?? process.env, timeout: options.timeoutMs, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error)
          reject(
            new Error(
              `${path.basename(command)} ${args.join(' ')} failed: ${stderr.trim().split('\n').slice(-3).join(' / ') || error.message}`,
            ),
          );
        else resolve({ stdout, stderr });
      },
    );
  });
}

/**
 * Installs the peer from its committed lock (`npm ci --prefix bench/peer`), never touching the
 * root's node_modules. Rejects with npm's last lines when it fails (no registry, say).
 */
export async function installPeer(peerDir: string, timeoutMs = 600_000): Promise<void> {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  await run(npm, ['ci', '--prefix', peerDir, '--no-audit', '--no-fund'], { cwd: peerDir, timeoutMs });
}

/** A free loopback port (the gateway takes a number, not 0). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** The running peer. */
export interface PeerProcess extends ChildHandle {
  /** The GraphQL endpoint. */
  readonly url: string;
  readonly origin: string;
  /** How long fetching, preparing and composing the documents took, ms. */
  readonly composeMs: number;
}

/** Fetches each silo's `/openapi.json`, prepares it for Mesh and writes it into `workDir`. */
async function prepareDocuments(siloUrls: Record<string, string>, workDir: string) {
  const silos: Record<string, { url: string; document: string }> = {};
  for (const [name, url] of Object.entries(siloUrls)) {
    const response = await fetch(`${url}/openapi.json`);
    if (!response.ok) throw new Error(`${name} /openapi.json answered HTTP ${response.status}`);
    const document = path.join(workDir, `${name}.openapi.json`);
    writeFileSync(document, JSON.stringify(prepareForMesh((await response.json()) as Record<string, unknown>)));
    silos[name] = { url, document };
  }
  return silos;
}

/** Waits until the gateway answers `{ __typename }`. */
async function waitForGateway(url: string, child: ChildHandle, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.process.exitCode !== null) throw new Error(`Hive Gateway exited (code ${child.process.exitCode})`);
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ __typename }' }),
      });
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`Hive Gateway did not answer within ${timeoutMs} ms`);
}

/**
 * Composes the supergraph with `mesh-compose` (bench/peer/mesh.config.mjs) from the silos'
 * documents as they serve them now, then starts Hive Gateway on it: one process (`--fork 1`, as
 * the hub is one), on loopback, `NODE_ENV=production` as the hub runs, unpinned as the hub is.
 * The work directory (documents, supergraph) is removed when the peer stops.
 */
export async function startPeerProcess(peerDir: string, siloUrls: Record<string, string>): Promise<PeerProcess> {
  const workDir = mkdtempSync(path.join(os.tmpdir(), 'switchboard-peer-'));
  const started = Date.now();
  const silos = await prepareDocuments(siloUrls, workDir);
  const supergraph = path.join(workDir, 'supergraph.graphql');
  await run(process.execPath, [path.join(peerDir, COMPOSE_BIN), '-c', 'mesh.config.mjs', '-o', supergraph], {
    cwd: peerDir,
    env: { ...process.env, PEER_SILOS: JSON.stringify(silos) },
    timeoutMs: 120_000,
  });
  const composeMs = Date.now() - started;
  const port = await freePort();
  const args = ['supergraph', supergraph, '--host', '127.0.0.1', '--port', String(port), '--fork', '1'];
  // The supergraph is a file that never changes during the run: no polling while measuring.
  args.push('--polling', '24h');
  // In the work directory, so the gateway finds no config file of its own (it would read mesh.config.mjs).
  const child = spawn(process.execPath, [path.join(peerDir, GATEWAY_BIN), ...args], {
    cwd: workDir,
    env: { ...process.env, NODE_ENV: 'production', NO_COLOR: '1' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const base = handle(child);
  const url = `http://127.0.0.1:${port}/graphql`;
  try {
    await waitForGateway(url, base, 60_000);
  } catch (error) {
    await base.stop(2_000);
    rmSync(workDir, { recursive: true, force: true });
    throw new Error(`${(error as Error).message}: ${stderr.trim().split('\n').slice(-3).join(' / ')}`);
  }
  return {
    ...base,
    url,
    origin: `http://127.0.0.1:${port}`,
    composeMs,
    stop: async (graceMs?: number) => {
      await base.stop(graceMs);
      rmSync(workDir, { recursive: true, force: true });
    },
  };
}
