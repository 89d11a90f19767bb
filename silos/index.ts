// The public API of silos/: the demo department systems and their data generator.

/**
 * `SILO_NAMES`: the four default silos, in start order; `ALL_SILO_NAMES` adds the optional
 * marketing silo; `DEFAULT_SILO_PORTS` (4101..4105); `buildSiloApp(name, world)` for `inject` tests.
 */
export { ALL_SILO_NAMES, buildSiloApp, DEFAULT_SILO_PORTS, SILO_NAMES } from './apps';

/** Starts the silos over HTTP on a generated (or given) world; see `StartSilosOptions`. */
export { startSilos } from './start';

/**
 * `generateWorld({ seed, scale, with })`: the deterministic world and its ground truth; `MAX_SCALE`
 * is 100000; `OPTIONAL_SILO_NAMES` are the silos `with` may add (marketing).
 */
export { generateWorld, MAX_SCALE, OPTIONAL_SILO_NAMES } from './generator/world';

/** Options and handle of `startSilos`. */
export type { RunningSilos, StartSilosOptions } from './start';

/** Start-up options of one silo (`latencyMs`, `jitterMs`, `logger`). */
export type { SiloOptions } from './common/app';

/**
 * The world: people (ground truth, with `keys` and `hardCase`), the catalogue, each silo's records
 * as served, and (with marketing) the leads: subscribers who are no person.
 */
export type {
  Account,
  Call,
  CampaignSend,
  ConsentState,
  Contact,
  Currency,
  DefaultSiloName,
  HardCase,
  HardCaseKind,
  Invoice,
  Lead,
  Opportunity,
  OpportunityStage,
  OptionalSiloName,
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
  Subscriber,
  Ticket,
  World,
  WorldOptions,
} from './generator/types';
