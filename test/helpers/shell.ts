import { spawn } from 'node:child_process';

/** What a shell script did. */
export interface ShellRun {
  /** The exit status, or null when it was killed (see `signal`). */
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** The HTTP status of every `curl` the script ran, in order. */
  httpStatuses: number[];
}

const STATUS_MARK = '__HTTP_STATUS__';

/**
 * Stops at the first failing command, and makes every `curl` print its HTTP status on a line of
 * its own, so a caller can check the status without the script having to ask curl for it.
 */
const PREAMBLE = [
  'set -euo pipefail',
  `curl() { command curl --silent --show-error --write-out '\\n${STATUS_MARK} %{http_code}\\n' "$@"; }`,
].join('\n');

/**
 * Runs a script with bash in `cwd`, as a reader would paste it into a terminal, with only `env`
 * (and PATH) set. Asynchronous on purpose: a script that calls a server in this process would
 * deadlock a synchronous spawn.
 *
 * @example
 * const run = await runShell('curl localhost:4567/health', { env: {}, cwd: tmpdir() });
 * expect(run.httpStatuses).toEqual([200]);
 */
export function runShell(
  script: string,
  options: { env: Record<string, string>; cwd: string; timeoutMs?: number },
): Promise<ShellRun> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', `${PREAMBLE}\n${script}`], {
      cwd: options.cwd,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: options.timeoutMs ?? 15_000,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (status, signal) => {
      const httpStatuses = [...stdout.matchAll(new RegExp(`^${STATUS_MARK} (\\d{3})$`, 'gm'))].map((m) => Number(m[1]));
      resolve({ status, signal, stdout, stderr, httpStatuses });
    });
  });
}
