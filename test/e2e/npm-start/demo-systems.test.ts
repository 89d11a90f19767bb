import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startSilos } from '../../../silos';
import {
  childrenOf,
  freePorts,
  isRunning,
  killAll,
  processState,
  compileProject,
  removeCompiled,
  runCompiled,
  waitUntilGone,
  type TestProcess,
} from '../../helpers/processes';

// `npm start` as a user runs it: the real CLI, with its demo systems in a child process.
const READY = /^Switchboard is serving the customer graph at (\S+)$/;
const START_MS = 60_000; // generous: a shared, busy machine
jest.setTimeout(3 * START_MS);
const GONE_MS = 10_000;
/** Where the hub records its demo child, in its data directory (gateway/demo/leftover.ts). */
const DEMO_RECORD_FILE = 'demo-systems.json';

const started = new Set<number>();
const dirs: string[] = [];
beforeAll(() => compileProject());
afterAll(() => {
  killAll(started);
  removeCompiled();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

interface Setup {
  env: Record<string, string>;
  ports: { hub: number; accounting: number; sales: number; credit: number; support: number };
  dataDir: string;
}

async function setup(): Promise<Setup> {
  const [hub, accounting, sales, credit, support] = await freePorts(5);
  const dataDir = mkdtempSync(path.join(tmpdir(), 'sb-demo-'));
  dirs.push(dataDir);
  const url = (port: number) => `http://127.0.0.1:${port}`;
  return {
    ports: { hub, accounting, sales, credit, support },
    dataDir,
    env: {
      SWITCHBOARD_DATA_DIR: dataDir,
      HOST: '127.0.0.1',
      PORT: String(hub),
      ACCOUNTING_URL: url(accounting),
      SALES_URL: url(sales),
      CREDIT_URL: url(credit),
      SUPPORT_URL: url(support),
      SILO_SCALE: '50',
    },
  };
}

function startHubCli(env: Record<string, string>): TestProcess {
  const hub = runCompiled('gateway/cli.ts', ['start'], env);
  started.add(hub.pid);
  return hub;
}

/** Starts the CLI and waits until it serves; resolves with it and its demo child's pid. */
async function startServing(env: Record<string, string>): Promise<{ hub: TestProcess; demoPid: number }> {
  const hub = startHubCli(env);
  await hub.waitForLine('stdout', READY, START_MS);
  const demo = childrenOf(hub.pid, 'silos/cli');
  expect(demo).toHaveLength(1);
  started.add(demo[0]);
  return { hub, demoPid: demo[0] };
}

/** The hub's own health route: 200 once every department system answers through it. */
async function hubHealth(port: number): Promise<{ status: number; body: { checks: Record<string, { ok: boolean }> } }> {
  const response = await fetch(`http://127.0.0.1:${port}/health`);
  return { status: response.status, body: (await response.json()) as { checks: Record<string, { ok: boolean }> } };
}

async function stop(hub: TestProcess): Promise<void> {
  hub.child.kill('SIGTERM');
  await hub.exited;
}

describe('npm start with the demo systems', () => {
  it('takes its demo systems down when the hub is killed with SIGKILL, so a second start on the same ports serves', async () => {
    const { env, ports } = await setup();
    const first = await startServing(env);
    first.hub.child.kill('SIGKILL');
    await first.hub.exited;
    expect(await waitUntilGone(first.demoPid, GONE_MS)).toBe(true);

    const second = await startServing(env);
    // Started with the flags npm start gives, the hub says it runs in its heap budget.
    expect(second.hub.stdout()).toMatch(/^Heap: \d+ MB limit \(the hub's budget\)$/m);
    const health = await hubHealth(ports.hub);
    expect(health.status).toBe(200);
    expect(health.body.checks.sales).toEqual({ ok: true });
    await stop(second.hub);
  });

  it('stops its demo systems, removes their record and exits 0 on SIGTERM', async () => {
    const { env, dataDir } = await setup();
    const { hub, demoPid } = await startServing(env);
    const recorded = existsSync(path.join(dataDir, DEMO_RECORD_FILE));
    hub.child.kill('SIGTERM');
    expect(await hub.exited).toEqual({ code: 0, signal: null });
    expect(isRunning(demoPid)).toBe(false);
    expect(recorded).toBe(true);
    expect(existsSync(path.join(dataDir, DEMO_RECORD_FILE))).toBe(false);
  });

  it('says loudly that the demo systems died when they are killed alone, restarts them and serves again', async () => {
    const { env, ports } = await setup();
    const { hub, demoPid } = await startServing(env);
    process.kill(demoPid, 'SIGKILL');
    const [line] = await hub.waitForLine('stderr', /^error: The demo department systems .*$/, GONE_MS);
    expect(line).toBe(
      `error: The demo department systems (accounting, sales, credit, support; pid ${demoPid}) exited ` +
        'unexpectedly with signal SIGKILL; their departments answer UPSTREAM_UNAVAILABLE (or from the ' +
        "repository's copies) until they are back. Restarting them in 1 s (restart 1).",
    );
    const [, restartedPid] = await hub.waitForLine(
      'stdout',
      /^Restarted the demo department systems \(pid (\d+), restart 1\)\.$/,
      START_MS,
    );
    started.add(Number(restartedPid));
    expect(childrenOf(hub.pid, 'silos/cli')).toEqual([Number(restartedPid)]);
    expect((await hubHealth(ports.hub)).status).toBe(200);
    await stop(hub);
    expect(isRunning(Number(restartedPid))).toBe(false);
  });

  it('stops, before starting, the demo systems a killed hub left behind, and serves on their ports', async () => {
    const { env, ports, dataDir } = await setup();
    const first = await startServing(env);
    // A stopped child cannot act on its parent's death: the leftover a restart must clear itself.
    process.kill(first.demoPid, 'SIGSTOP');
    first.hub.child.kill('SIGKILL');
    await first.hub.exited;
    expect(processState(first.demoPid)).toBe('T');

    const second = await startServing(env);
    expect(second.hub.stderr()).toContain(
      `warning: The demo department systems of an earlier Switchboard are still running (pid ${first.demoPid}, ` +
        `recorded in ${path.join(dataDir, DEMO_RECORD_FILE)}); stopping them before starting new ones.`,
    );
    expect(isRunning(first.demoPid)).toBe(false);
    expect((await hubHealth(ports.hub)).status).toBe(200);
    await stop(second.hub);
  });

  it('fails with one sentence naming the ports and what to do when demo systems it did not start hold them', async () => {
    const { env, ports } = await setup();
    // What an older Switchboard, which neither recorded nor took down its demo child, left behind.
    const strangers = await startSilos({
      scale: 20,
      only: ['sales', 'credit'],
      ports: { sales: ports.sales, credit: ports.credit },
    });
    try {
      const hub = startHubCli(env);
      expect(await hub.exited).toEqual({ code: 1, signal: null });
      expect(hub.stderr().trim()).toBe(
        `error: The demo department systems cannot start: ports ${ports.sales} (sales, where a demo sales ` +
          `system answers), ${ports.credit} (credit, where a demo credit system answers) are already in use by ` +
          'another process. They look like demo systems an earlier Switchboard left running (before it recorded ' +
          `them). Stop that process (\`lsof -iTCP:${ports.sales} -sTCP:LISTEN\` shows its pid) and start again, ` +
          'or move the demo systems to free ports (e.g. SALES_URL=http://127.0.0.1:<port>).',
      );
    } finally {
      await strangers.close();
    }
  });
});
