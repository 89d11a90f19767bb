/**
 * The hub's event-loop delay gauges: finite from the first scrape on (prom-client's own read an
 * empty histogram: NaN and 9.2e18 s), and the delay a blocked loop caused once it has.
 */
import { HubMetrics } from '../../gateway/metrics';

/** The value of each `switchboard_nodejs_eventloop_lag_<stat>_seconds` line of a scrape. */
async function delayGauges(metrics: HubMetrics): Promise<Map<string, number>> {
  const text = await metrics.registry.metrics();
  const found = new Map<string, number>();
  for (const match of text.matchAll(/^switchboard_nodejs_eventloop_lag_(\w+?)_seconds (\S+)$/gm))
    found.set(match[1], Number(match[2]));
  return found;
}

describe('event-loop delay gauges', () => {
  it('export every statistic, each finite, on a scrape before any delay was sampled and on one right after it', async () => {
    const metrics = new HubMetrics();
    for (const scrape of [await delayGauges(metrics), await delayGauges(metrics)]) {
      expect([...scrape.keys()].sort()).toEqual(['max', 'mean', 'min', 'p50', 'p90', 'p99', 'stddev']);
      for (const value of scrape.values()) {
        expect(Number.isFinite(value)).toBe(true);
        expect(value).toBeLessThan(60);
      }
    }
  });

  it('report the delay of a loop that was blocked', async () => {
    const metrics = new HubMetrics();
    // Real timing is what is under test (the monitor is libuv's timer; no fake clock drives it).
    // The monitor measures from its timer's first tick: a loop blocked before that goes unseen.
    await new Promise((resolve) => setTimeout(resolve, 20));
    const until = Date.now() + 60;
    while (Date.now() < until); // the loop is blocked for 60 ms
    // The monitor's own timer has to fire (late) to record that delay.
    await new Promise((resolve) => setTimeout(resolve, 30));
    const scrape = await delayGauges(metrics);
    expect(scrape.get('max')).toBeGreaterThan(0.03);
    expect(scrape.get('min')).toBeLessThanOrEqual(scrape.get('max')!);
  });
});
