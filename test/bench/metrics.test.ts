import { percentile } from '../../bench/load';
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { prometheusByLabel, readThreadCpuMs } from '../../bench/metrics';

describe('prometheusByLabel', () => {
  const text = [
    '# HELP switchboard_store_commands_total Commands the hub sent to MongoDB (round trips).',
    '# TYPE switchboard_store_commands_total counter',
    'switchboard_store_commands_total{command="find"} 12',
    'switchboard_store_commands_total{command="update"} 3',
    'switchboard_store_commands_total_other{command="find"} 99',
  ].join('\n');

  it('sums a counter by one label, ignoring comments and metrics that only share a prefix', () => {
    expect(prometheusByLabel(text, 'switchboard_store_commands_total', 'command')).toEqual({ find: 12, update: 3 });
  });

  it('answers null when the counter is absent', () => {
    expect(prometheusByLabel('# nothing here\n', 'switchboard_store_commands_total', 'command')).toBeNull();
  });
});

describe('percentile', () => {
  it('takes the nearest rank of a sorted sample', () => {
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
    expect([percentile(sorted, 50), percentile(sorted, 95), percentile(sorted, 99)]).toEqual([50, 95, 99]);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBe(0);
  });
});

describe('readThreadCpuMs', () => {
  /** Spins the calling thread for `ms` of wall time (the work whose CPU is then read). */
  const spin = (ms: number): void => {
    const until = performance.now() + ms;
    while (performance.now() < until);
  };

  it("counts the main thread's work as main, and a worker thread's as others", async () => {
    // A worker that spins, then waits (alive, so /proc still lists it) until told to exit.
    const worker = new Worker(
      `const { parentPort } = require('node:worker_threads');
       const until = performance.now() + 300; while (performance.now() < until);
       parentPort.postMessage('spun'); parentPort.once('message', () => process.exit(0));`,
      { eval: true },
    );
    try {
      const before = (await readThreadCpuMs(process.pid))!;
      await once(worker, 'message');
      const afterWorker = (await readThreadCpuMs(process.pid))!;
      spin(300);
      const afterMain = (await readThreadCpuMs(process.pid))!;
      // Ticks are 10 ms; on a busy machine a thread may get less than its wall time.
      expect(afterWorker.others - before.others).toBeGreaterThanOrEqual(100);
      expect(afterWorker.main - before.main).toBeLessThan(afterWorker.others - before.others);
      expect(afterMain.main - afterWorker.main).toBeGreaterThanOrEqual(100);
    } finally {
      worker.postMessage('exit');
      await once(worker, 'exit');
    }
  });

  it('answers null for a process that does not exist', async () => {
    expect(await readThreadCpuMs(2 ** 22 + 1)).toBeNull();
  });
});
