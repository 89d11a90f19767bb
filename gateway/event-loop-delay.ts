import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { Gauge, type Registry } from 'prom-client';

/** The event-loop delay statistics prom-client's default metrics export, and how each is read. */
const STATISTICS: ReadonlyArray<{ name: string; help: string; read: (h: IntervalHistogram) => number }> = [
  { name: 'min', help: 'The minimum recorded event loop delay.', read: (h) => h.min },
  { name: 'max', help: 'The maximum recorded event loop delay.', read: (h) => h.max },
  { name: 'mean', help: 'The mean of the recorded event loop delays.', read: (h) => h.mean },
  { name: 'stddev', help: 'The standard deviation of the recorded event loop delays.', read: (h) => h.stddev },
  { name: 'p50', help: 'The 50th percentile of the recorded event loop delays.', read: (h) => h.percentile(50) },
  { name: 'p90', help: 'The 90th percentile of the recorded event loop delays.', read: (h) => h.percentile(90) },
  { name: 'p99', help: 'The 99th percentile of the recorded event loop delays.', read: (h) => h.percentile(99) },
];

/**
 * Replaces the event-loop delay gauges of prom-client's default metrics (15.x) with ones that
 * keep their last values while no delay has been sampled since the previous scrape. prom-client
 * reads its histogram whatever it holds, so the first scrape after start, or a second within
 * the histogram's 10 ms resolution, exported `NaN` for the mean and 9.2e18 s for the minimum,
 * which dashboards and alert rules then read as real. Same names, same help, in seconds.
 */
export function replaceEventLoopDelayGauges(registry: Registry, prefix: string): void {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  const gauges: Array<{ gauge: Gauge; read: (h: IntervalHistogram) => number }> = [];
  // One reading sets every gauge, then starts the next interval: the first gauge's collect runs
  // before the others are read (a registry reads its metrics in the order they were added).
  const collect = () => {
    if (histogram.count === 0) return;
    for (const { gauge, read } of gauges) gauge.set(read(histogram) / 1e9);
    histogram.reset();
  };
  STATISTICS.forEach(({ name, help, read }, i) => {
    const metric = `${prefix}nodejs_eventloop_lag_${name}_seconds`;
    registry.removeSingleMetric(metric);
    const gauge = new Gauge({ name: metric, help, registers: [registry], ...(i === 0 ? { collect } : {}) });
    gauges.push({ gauge, read });
  });
}
