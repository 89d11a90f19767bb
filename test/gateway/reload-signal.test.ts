import { EventEmitter } from 'node:events';
import { silentLogger } from '../../gateway';
import { reloadOnSignal } from '../../gateway/reload-signal';
import type { ReloadReport } from '../../schema/hub';

describe('reloading on SIGHUP', () => {
  const report: ReloadReport = {
    ok: true,
    reason: null,
    connectors: ['sales'],
    added: [],
    removed: [],
    identity: null,
  };

  it('reloads once per signal until it stops listening', async () => {
    const signals = new EventEmitter();
    const reload = jest.fn(async () => report);
    const stop = reloadOnSignal(reload, silentLogger, signals);
    signals.emit('SIGHUP');
    signals.emit('SIGHUP');
    expect(reload).toHaveBeenCalledTimes(2);
    stop();
    signals.emit('SIGHUP');
    expect(reload).toHaveBeenCalledTimes(2);
    expect(signals.listenerCount('SIGHUP')).toBe(0);
  });

  it('logs a reload that could not run, as an error', async () => {
    const signals = new EventEmitter();
    const failure = new Error('the store is gone');
    const logged = new Promise<[string, unknown]>((resolve) => {
      reloadOnSignal(
        () => Promise.reject(failure),
        { ...silentLogger, error: (message, error) => resolve([message, error]) },
        signals,
      );
    });
    signals.emit('SIGHUP');
    expect(await logged).toEqual(['Reloading the connectors failed', failure]);
  });
});
