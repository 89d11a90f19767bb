import { spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { parseCliOptions, UsageError } from '../../silos/cli';

const ROOT = path.join(__dirname, '..', '..');
const PORTS = ['ACCOUNTING_PORT', 'SALES_PORT', 'CREDIT_PORT', 'SUPPORT_PORT'];

/** Runs the CLI from source; resolves with its exit code and output once it exits. */
function runCli(args: string[], env: NodeJS.ProcessEnv = {}) {
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', 'silos/cli.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, TS_NODE_PROJECT: 'tsconfig.json', ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on('exit', (code) => resolve({ code, stdout, stderr })),
  );
  return { child, exited };
}

describe('the silos CLI', () => {
  it.each([
    [['--scale', 'abc'], 'silos: --scale must be an integer from 1 to 100000, got "abc"'],
    [['--scale', '100001'], 'silos: --scale must be an integer from 1 to 100000, got "100001"'],
    [['--colour'], 'silos: unknown option --colour'],
    [['--exit-with-parent'], 'silos: --exit-with-parent needs an IPC channel to the parent process'],
  ])('exits 2 with a one-line error naming the flag for %j', async (args, message) => {
    const { code, stderr } = await runCli(args).exited;
    expect(code).toBe(2);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toContain(message);
  });

  it('starts on the ports asked for, prints SILOS_READY with the URLs and stops cleanly on SIGTERM', async () => {
    const { child, exited } = runCli(['--scale', '30', '--seed', '3'], {
      ACCOUNTING_PORT: '0',
      SALES_PORT: '0',
      CREDIT_PORT: '0',
      SUPPORT_PORT: '0',
    });
    const urls = await new Promise<Record<string, string>>((resolve) => {
      createInterface({ input: child.stdout }).on('line', (line) => {
        if (line.startsWith('SILOS_READY ')) resolve(JSON.parse(line.slice('SILOS_READY '.length)));
      });
    });
    expect(Object.keys(urls)).toEqual(['accounting', 'sales', 'credit', 'support']);
    const health = await fetch(`${urls.support}/health`);
    expect(await health.json()).toEqual({ status: 'ok', system: 'support' });
    child.kill('SIGTERM');
    const { code, stdout } = await exited;
    expect(code).toBe(0);
    expect(stdout).toContain(urls.accounting);
  });
});

describe('the silos CLI with --with marketing', () => {
  it('starts the marketing silo after the four and lists it in SILOS_READY', async () => {
    const { child, exited } = runCli(['--scale', '30', '--with', 'marketing'], {
      ...Object.fromEntries(PORTS.map((p) => [p, '0'])),
      MARKETING_PORT: '0',
    });
    try {
      const urls = await new Promise<Record<string, string>>((resolve) => {
        createInterface({ input: child.stdout }).on('line', (line) => {
          if (line.startsWith('SILOS_READY ')) resolve(JSON.parse(line.slice('SILOS_READY '.length)));
        });
      });
      expect(Object.keys(urls)).toEqual(['accounting', 'sales', 'credit', 'support', 'marketing']);
      expect(await (await fetch(`${urls.marketing}/health`)).json()).toEqual({ status: 'ok', system: 'marketing' });
    } finally {
      child.kill('SIGTERM');
    }
    expect((await exited).code).toBe(0);
  });
});

describe("the silos CLI as the hub's demo child (--exit-with-parent)", () => {
  it('stops and exits 0 when the IPC channel to its parent closes', async () => {
    const child = spawn(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', 'silos/cli.ts', '--exit-with-parent', '--scale', '30'],
      {
        cwd: ROOT,
        env: { ...process.env, TS_NODE_PROJECT: 'tsconfig.json', ...Object.fromEntries(PORTS.map((p) => [p, '0'])) },
        stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      },
    );
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const ready = new Promise<void>((resolve) => {
        createInterface({ input: child.stdout! }).on('line', (line) => {
          if (line.startsWith('SILOS_READY ')) resolve();
        });
      });
      // An exit code here means the silos ended before they were ready.
      expect(await Promise.race([ready.then(() => 'ready'), exited])).toBe('ready');
      // What the parent's death does to the channel, SIGKILL included.
      child.disconnect();
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
  });
});

describe('parseCliOptions', () => {
  it('defaults to seed 42, scale 1000, loopback and ports 4101..4104', () => {
    expect(parseCliOptions([], {})).toEqual({
      seed: 42,
      scale: 1000,
      host: '127.0.0.1',
      latencyMs: 0,
      jitterMs: 0,
      ports: { accounting: 4101, sales: 4102, credit: 4103, support: 4104, marketing: 4105 },
      silos: ['accounting', 'sales', 'credit', 'support'],
      exitWithParent: false,
    });
  });

  it('adds marketing with --with marketing, on MARKETING_PORT or --marketing-port', () => {
    expect(parseCliOptions(['--with', 'marketing'], { MARKETING_PORT: '5105' })).toMatchObject({
      silos: ['accounting', 'sales', 'credit', 'support', 'marketing'],
      ports: { marketing: 5105 },
    });
    expect(parseCliOptions(['--with', 'marketing,marketing', '--marketing-port', '0'], {})).toMatchObject({
      silos: ['accounting', 'sales', 'credit', 'support', 'marketing'],
      ports: { marketing: 0 },
    });
  });

  it('names what --with accepts when it names something else', () => {
    expect(() => parseCliOptions(['--with', 'billing'], {})).toThrow(
      new UsageError('--with must name optional silos (marketing), got "billing"'),
    );
  });

  it('reads the environment, and lets flags win over it', () => {
    const env = { SILO_SEED: '7', SILO_SCALE: '500', SALES_PORT: '5102', CREDIT_PORT: '5103' };
    const options = parseCliOptions(['--scale', '600', '--credit-port', '6103', '--latency-ms', '2.5'], env);
    expect(options).toMatchObject({ seed: 7, scale: 600, latencyMs: 2.5, ports: { sales: 5102, credit: 6103 } });
  });

  it('names the environment variable that is bad', () => {
    expect(() => parseCliOptions([], { SALES_PORT: 'http' })).toThrow(
      new UsageError('SALES_PORT must be an integer from 0 to 65535, got "http"'),
    );
  });
});
