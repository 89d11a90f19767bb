import path from 'node:path';
import { parseBenchOptions, UsageError } from '../../bench/options';

describe('parseBenchOptions', () => {
  it('defaults to the issue settings and writes into bench/', () => {
    expect(parseBenchOptions([], '/repo/bench')).toEqual({
      scale: 10_000,
      exportScale: 100_000,
      seed: 42,
      latencyMs: 20,
      jitterMs: 5,
      durationS: 10,
      connections: 10,
      quick: false,
      outDir: '/repo/bench',
      peer: 'auto',
    });
  });

  it('takes --peer and --no-peer, but not both', () => {
    expect(parseBenchOptions(['--peer'], '/repo/bench')).toEqual(expect.objectContaining({ peer: 'on' }));
    expect(parseBenchOptions(['--quick', '--no-peer'], '/repo/bench')).toEqual(
      expect.objectContaining({ peer: 'off' }),
    );
    expect(() => parseBenchOptions(['--peer', '--no-peer'], '/repo/bench')).toThrow(
      new UsageError('--peer and --no-peer cannot both be given'),
    );
  });

  it('makes --quick small and writes it to a temp dir, never the committed results', () => {
    const options = parseBenchOptions(['--quick'], '/repo/bench');
    expect(options).toEqual(
      expect.objectContaining({ quick: true, scale: 300, exportScale: 300, durationS: 2, connections: 2 }),
    );
    expect(options !== 'help' && path.dirname(options.outDir)).not.toBe('/repo');
  });

  it.each([
    [['--scale', '0'], '--scale must be a whole number from 1 to 100000, got "0"'],
    [['--export-scale', '200000'], '--export-scale must be a whole number from 1 to 100000, got "200000"'],
    [['--duration', '2.5'], '--duration must be a whole number from 1 to 3600, got "2.5"'],
    [['--nope'], "Unknown option '--nope'"],
  ])('refuses %j with one sentence', (argv, message) => {
    expect(() => parseBenchOptions(argv, '/repo/bench')).toThrow(new UsageError(message));
  });
});
