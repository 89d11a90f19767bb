import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { DemoSilosError } from '../../gateway/demo';
import { demoRecordPath, stopLeftoverDemoSilos, writeDemoRecord } from '../../gateway/demo/leftover';
import { assertDemoPortsFree } from '../../gateway/demo/ports';
import type { HubLogger } from '../../gateway/logger';

const live = new Set<ChildProcess>();
const dirs: string[] = [];
afterAll(() => {
  for (const child of live) child.kill('SIGKILL');
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function recordFile(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'sb-demo-record-'));
  dirs.push(dir);
  return demoRecordPath(dir);
}

/** A process that runs until killed, started once it runs its own code (its /proc entry is final). */
async function sleeper(script = 'setInterval(() => {}, 1e6)'): Promise<{ child: ChildProcess; argv: string[] }> {
  const child = spawn(process.execPath, ['-e', `${script}; console.log('up')`], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  live.add(child);
  await once(child.stdout, 'data');
  const cmdline = readFileSync(`/proc/${child.pid}/cmdline`, 'utf8');
  return { child, argv: cmdline.slice(0, -1).split('\0') };
}

function recordingLogger(): HubLogger & { warnings: string[] } {
  const warnings: string[] = [];
  return { warnings, info: () => undefined, warn: (m) => warnings.push(m), error: () => undefined };
}

const NOT_ITS_PARENT = 2 ** 31; // no pid: the recorded hub is dead, as after a SIGKILL

describe('stopLeftoverDemoSilos', () => {
  it('stops a recorded demo child whose hub has died, says so and removes the record', async () => {
    const file = recordFile();
    const { child, argv } = await sleeper();
    writeDemoRecord(file, { pid: child.pid!, hubPid: NOT_ITS_PARENT, argv });
    const logger = recordingLogger();
    const exited = once(child, 'exit');
    expect(await stopLeftoverDemoSilos(file, logger)).toBe(child.pid);
    expect(await exited).toEqual([null, 'SIGTERM']);
    expect(existsSync(file)).toBe(false);
    expect(logger.warnings).toEqual([
      `The demo department systems of an earlier Switchboard are still running (pid ${child.pid}, recorded in ` +
        `${file}); stopping them before starting new ones.`,
    ]);
  });

  it('kills with SIGKILL a leftover that ignores SIGTERM', async () => {
    const file = recordFile();
    const { child, argv } = await sleeper("process.on('SIGTERM', () => {}); setInterval(() => {}, 1e6)");
    writeDemoRecord(file, { pid: child.pid!, hubPid: NOT_ITS_PARENT, argv });
    const exited = once(child, 'exit');
    await stopLeftoverDemoSilos(file, recordingLogger(), { termMs: 200, killMs: 5_000 });
    expect(await exited).toEqual([null, 'SIGKILL']);
  });

  it('leaves alone a process whose command line is not the recorded one (its pid was reused)', async () => {
    const file = recordFile();
    const { child, argv } = await sleeper();
    writeDemoRecord(file, { pid: child.pid!, hubPid: NOT_ITS_PARENT, argv: [...argv, '--exit-with-parent'] });
    expect(await stopLeftoverDemoSilos(file, recordingLogger())).toBeNull();
    expect(child.exitCode).toBeNull();
    expect(child.signalCode).toBeNull();
    expect(existsSync(file)).toBe(false);
  });

  it('refuses, with a sentence saying what to do, to stop demo systems whose hub still runs', async () => {
    const file = recordFile();
    const { child, argv } = await sleeper();
    // This test process is the sleeper's parent: a live hub and its child.
    writeDemoRecord(file, { pid: child.pid!, hubPid: process.pid, argv });
    await expect(stopLeftoverDemoSilos(file, recordingLogger())).rejects.toThrow(
      new DemoSilosError(
        `The demo department systems recorded in ${file} (pid ${child.pid}) belong to a Switchboard that is still ` +
          `running (pid ${process.pid}). Stop it first (kill ${process.pid}), or give this one its own ` +
          'SWITCHBOARD_DATA_DIR and ports.',
      ),
    );
    expect(child.exitCode).toBeNull();
    expect(existsSync(file)).toBe(true);
  });

  it('forgets a record of a process that has ended', async () => {
    const file = recordFile();
    const { child, argv } = await sleeper();
    child.kill('SIGKILL');
    await once(child, 'exit');
    writeDemoRecord(file, { pid: child.pid!, hubPid: NOT_ITS_PARENT, argv });
    expect(await stopLeftoverDemoSilos(file, recordingLogger())).toBeNull();
    expect(existsSync(file)).toBe(false);
  });

  it('ignores a file that is not a record', async () => {
    const file = recordFile();
    writeFileSync(file, '{"pid": "twelve"}');
    expect(await stopLeftoverDemoSilos(file, recordingLogger())).toBeNull();
  });
});

describe('assertDemoPortsFree', () => {
  it('names a port that another process holds, and what to do', async () => {
    // A holder that answers nothing: the check's probe for a demo silo gets no reply.
    const holder = net.createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const port = (holder.address() as net.AddressInfo).port;
    try {
      await expect(assertDemoPortsFree({ support: port })).rejects.toThrow(
        new DemoSilosError(
          `The demo department systems cannot start: port ${port} (support) is already in use by another ` +
            `process. Stop that process (\`lsof -iTCP:${port} -sTCP:LISTEN\` shows its pid) and start again, or ` +
            'move the demo systems to free ports (e.g. SUPPORT_URL=http://127.0.0.1:<port>).',
        ),
      );
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
  });

  it('passes when every port is free', async () => {
    const probe = net.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as net.AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
    await expect(assertDemoPortsFree({ sales: port })).resolves.toBeUndefined();
  });
});
