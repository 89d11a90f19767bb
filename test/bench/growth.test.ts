import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');

/** Runs bench/growth.ts from source, with its exit code and error output. */
function runGrowth(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', 'bench/growth.ts', ...args], {
      cwd: ROOT,
      env: { ...process.env, TS_NODE_PROJECT: path.join(ROOT, 'tsconfig.json') },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stderr }));
  });
}

// Only that the growth measurement works: no assertion here is about speed.
describe('npm run bench:growth', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sb-growth-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('measures each scale asked for and writes one table row per scale, every figure filled in', async () => {
    const out = path.join(dir, 'growth.md');
    const run = await runGrowth(['--scales', '60,250', '--latency-ms', '0', '--out', out]);
    expect([run.code, run.stderr.includes('growth:')]).toEqual([0, false]);
    const rows = readFileSync(out, 'utf8')
      .split('\n')
      .filter((line) => /^\| \d+ \|/.test(line))
      .map((line) =>
        line
          .split('|')
          .slice(1, -1)
          .map((cell) => cell.trim()),
      );
    expect(rows.map((row) => row[0])).toEqual(['60', '250']);
    for (const row of rows) {
      expect(row).not.toContain('–');
      expect(Number(row[1])).toBeGreaterThan(0);
      expect(Number(row[4])).toBeGreaterThan(0);
    }
    expect(rows[0][5]).toBe('1.00x');
  }, 240_000);

  it('refuses a scale it cannot measure with one line and exit status 1', async () => {
    const run = await runGrowth(['--scales', '1000,lots']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('--scales takes whole numbers from 1 to 100000');
  });
});
