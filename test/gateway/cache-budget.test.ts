import { loadConfig, type SwitchboardConfigInput } from '../../config';
import { cacheBudgets, cacheBudgetWarning } from '../../gateway/cache-budget';

const MB = 1_048_576;
const HEAP = 560 * MB; // the hub's budget (gateway/heap-budget.ts)
const configOf = (overrides: Partial<SwitchboardConfigInput>) => loadConfig({ env: {}, overrides });

describe('the in-heap caches against the heap limit', () => {
  it("adds up every connector's memory layer, the response cache and the identity look-ups", () => {
    const budgets = cacheBudgets(configOf({}));
    // The defaults: Apollo's 30 MiB, four demo connectors at 32 MB, 16 MB of responses, 8 MB of look-ups.
    expect(budgets).toEqual([
      { setting: "Apollo Server's document cache (its default)", bytes: 30 * MB },
      { setting: 'cache.memoryBytes x 4 connectors', bytes: 4 * 32 * MB },
      { setting: 'cache.responses.maxBytes', bytes: 16 * MB },
      { setting: 'identity.memoryBytes', bytes: 8 * MB },
    ]);
    expect(cacheBudgetWarning(configOf({}), HEAP)).toBeNull();
  });

  it('warns, naming the settings, when their bounds pass half the heap', () => {
    const config = configOf({ cache: { memoryBytes: 96 * MB } });
    const warning = cacheBudgetWarning(config, HEAP);
    expect(warning).toContain('438 MB'); // 30 + 4 x 96 + 16 + 8
    expect(warning).toContain('cache.memoryBytes x 4 connectors: 384 MB');
    expect(warning).toContain('50% of the 560 MB heap limit');
    // The same bounds fit a larger heap.
    expect(cacheBudgetWarning(config, 2048 * MB)).toBeNull();
  });

  it('counts only the connectors that are enabled, and nothing with the cache off', () => {
    const two = configOf({
      cache: { memoryBytes: 96 * MB },
      connectors: {
        credit: { url: 'http://127.0.0.1:4103', enabled: false },
        support: { url: 'http://127.0.0.1:4104', enabled: false },
      },
    });
    expect(cacheBudgets(two)[1]).toEqual({ setting: 'cache.memoryBytes x 2 connectors', bytes: 192 * MB });
    expect(cacheBudgetWarning(two, HEAP)).toBeNull();
    const off = cacheBudgets(configOf({ cache: { enabled: false, memoryBytes: 1024 * MB } }));
    expect(off.map((budget) => budget.setting)).toEqual(["Apollo Server's document cache (its default)"]);
  });

  it('leaves out a layer turned off by its entry count', () => {
    const budgets = cacheBudgets(configOf({ cache: { memoryEntries: 0 }, identity: { memoryEntries: 0 } }));
    expect(budgets.map((budget) => budget.setting)).toEqual([
      "Apollo Server's document cache (its default)",
      'cache.responses.maxBytes',
    ]);
  });
});
