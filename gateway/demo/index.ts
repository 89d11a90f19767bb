// Public API of gateway/demo: the demo department systems `npm start` runs beside the hub.
export { startDemoSilos, DEFAULT_RESTART_DELAYS_MS } from './supervisor';
export type { DemoSilos, DemoSilosOptions } from './supervisor';
export { demoSiloPorts } from './child';
export { DemoSilosError } from './errors';
export { DEMO_RECORD_FILE } from './leftover';
