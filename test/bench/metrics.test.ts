import { percentile } from '../../bench/load';
import { prometheusByLabel } from '../../bench/metrics';

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
