import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { HUB_NODE_FLAGS } from '../../gateway/heap-budget';

const ROOT = path.join(__dirname, '..', '..');

/** A process started by a test, with its output kept and awaitable. */
export interface TestProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  stdout(): string;
  stderr(): string;
  /** Resolves with the first line on `stream` matching `pattern`; rejects, with the output so far, on timeout or exit. */
  waitForLine(stream: 'stdout' | 'stderr', pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

let compiledRoot: string | null = null;

/**
 * Compiles the project once per test file, with the same `tsc` build `npm start` runs, into a
 * folder of its own under `.test-dist/` (inside the repository, so `node_modules` resolves).
 * Starting a compiled CLI takes a second; through ts-node it took five, twice per start.
 */
export function compileProject(): string {
  if (compiledRoot === null) {
    const outDir = path.join(ROOT, '.test-dist', String(process.pid));
    execFileSync(
      process.execPath,
      [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json', '--outDir', outDir],
      {
        cwd: ROOT,
        stdio: 'inherit',
      },
    );
    compiledRoot = outDir;
  }
  return compiledRoot;
}

/** Removes what `runCompiled` built; call it in the test file's afterAll. */
export function removeCompiled(): void {
  if (compiledRoot !== null) rmSync(compiledRoot, { recursive: true, force: true });
  compiledRoot = null;
}

/**
 * Runs a project entry point compiled as `npm start` runs it (`gateway/cli.ts` runs as
 * `gateway/cli.js`, with the hub's heap budget), with only the environment given (plus PATH and
 * HOME): no NODE_ENV, so the CLI's production default applies, and nothing from the developer's
 * shell leaks in.
 */
export function runCompiled(script: string, args: string[], env: Record<string, string>): TestProcess {
  const entry = path.join(compileProject(), script.replace(/\.ts$/, '.js'));
  const flags = script.startsWith('gateway/cli') ? HUB_NODE_FLAGS : [];
  const child = spawn(process.execPath, [...flags, entry, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
  });
  const output = { stdout: '', stderr: '' };
  child.stdout.on('data', (chunk: Buffer) => (output.stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output.stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  // Output ends at 'close', not 'exit': a grandchild that shares stderr can keep it open longer.
  let ended = false;
  child.once('close', () => (ended = true));

  const waitForLine = (stream: 'stdout' | 'stderr', pattern: RegExp, timeoutMs: number) =>
    new Promise<RegExpMatchArray>((resolve, reject) => {
      const describe = (why: string) =>
        new Error(
          `${why} before a ${stream} line matched ${pattern}.\nstdout:\n${output.stdout}\nstderr:\n${output.stderr}`,
        );
      const check = (): boolean => {
        const lines = output[stream].split('\n');
        // A line still being written could match a prefix of what it will say.
        if (!ended) lines.pop();
        for (const line of lines) {
          const match = line.match(pattern);
          if (match) {
            done();
            resolve(match);
            return true;
          }
        }
        return false;
      };
      const onData = () => void check();
      const onExit = () => {
        if (check()) return;
        done();
        reject(describe('The process exited'));
      };
      const timer = setTimeout(() => {
        done();
        reject(describe(`${timeoutMs} ms passed`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        child[stream].off('data', onData);
        child.off('close', onExit);
      };
      if (check()) return;
      if (ended) return onExit();
      child[stream].on('data', onData);
      child.once('close', onExit);
    });

  return {
    child,
    pid: child.pid!,
    stdout: () => output.stdout,
    stderr: () => output.stderr,
    waitForLine,
    exited,
  };
}

/** `n` ports that were free a moment ago (the OS picked them), for servers that need a fixed port. */
export async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<net.Server>((resolve) => {
          const server = net.createServer();
          server.listen(0, '127.0.0.1', () => resolve(server));
        }),
    ),
  );
  const ports = servers.map((s) => (s.address() as net.AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  return ports;
}

/** What /proc says about a process: its parent and state, or null once it is gone. */
function stat(pid: number): { ppid: number; state: string; cmdline: string } | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const [state, ppid] = text.slice(text.lastIndexOf(')') + 2).split(' ');
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
    return { ppid: Number(ppid), state, cmdline };
  } catch {
    return null;
  }
}

/** True while `pid` runs (a zombie has ended: it only waits to be reaped). */
export function isRunning(pid: number): boolean {
  const s = stat(pid);
  return s !== null && s.state !== 'Z' && s.state !== 'X';
}

/** The state letter of a running process (`T` when stopped), or null once it is gone. */
export function processState(pid: number): string | null {
  return isRunning(pid) ? stat(pid)!.state : null;
}

/** The pids of `parent`'s child processes whose command line contains `marker`. */
export function childrenOf(parent: number, marker: string): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .filter((pid) => {
      const s = stat(pid);
      return s !== null && s.ppid === parent && s.cmdline.includes(marker);
    });
}

/**
 * Resolves with true once `pid` has ended, false if it still runs after `timeoutMs`. Polling:
 * a process that is not the test's own child gives no event when it ends.
 */
export async function waitUntilGone(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (isRunning(pid)) {
    if (performance.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return true;
}

/** SIGKILLs whatever of `pids` still runs (clean-up after a test, pass or fail). */
export function killAll(pids: Iterable<number>): void {
  for (const pid of pids) {
    try {
      if (isRunning(pid)) process.kill(pid, 'SIGKILL');
    } catch {
      // Gone in between.
    }
  }
}
