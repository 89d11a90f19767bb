// The public API of silos/: the demo department systems and their data generator.

/** The four silo names, in start order; `DEFAULT_SILO_PORTS` (4101..4104); `buildSiloApp(name, world)` for `inject` tests. */
export { buildSiloApp, DEFAULT_SILO_PORTS, SILO_NAMES } from './apps';

/** Starts the silos over HTTP on a generated (or given) world; see `StartSilosOptions`. */
export { startSilos } from './start';

/** `generateWorld({ seed, scale })`: the deterministic world and its ground truth; `MAX_SCALE` is 100000. */
export { generateWorld, MAX_SCALE } from './generator/world';

/** Options and handle of `startSilos`. */
export type { RunningSilos, StartSilosOptions } from './start';

/** Start-up options of one silo (`latencyMs`, `jitterMs`, `logger`). */
export type { SiloOptions } from './common/app';

/** The world: people (ground truth, with `keys` and `hardCase`), the catalogue and each silo's records as served. */
export type {
  Account,
  Call,
  Contact,
  Currency,
  HardCase,
  HardCaseKind,
  Invoice,
  Opportunity,
  OpportunityStage,
  Order,
  OrderLine,
  Payment,
  PaymentTerms,
  Person,
  Product,
  Profile,
  Requester,
  RiskBand,
  SiloKeys,
  SiloName,
  Ticket,
  World,
  WorldOptions,
} from './generator/types';
