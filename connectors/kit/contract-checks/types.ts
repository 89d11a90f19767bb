import type { z } from 'zod';
import type { connectorConfigSchema } from '../../../config';
import type { ConnectorFactory } from '../contract';
import type { FigureDeclaration } from '../declare';

/** A connector's configuration as `connectors.<name>` in the hub's config takes it: `url` and any overrides. */
export type ConnectorConfigInput = z.input<typeof connectorConfigSchema>;

/** The outcome of one contract check: plain data, so a test runner and a CLI can both report it. */
export interface ContractCheckResult {
  /** The check, as a sentence (`answers in key order, with null for unknown and null keys`). */
  readonly name: string;
  readonly ok: boolean;
  /** What was found: the evidence when it passed, what went wrong when it failed. */
  readonly detail: string;
  /** True when the check could not apply to this connector (it passes, and `detail` says why). */
  readonly skipped?: boolean;
}

/** What the contract checks are given about one connector and its system. */
export interface ContractCheckOptions {
  /** The connector under test (what `defineConnector` returns). */
  readonly factory: ConnectorFactory;
  /** Its configuration against the running system: at least `url`. */
  readonly config: ConnectorConfigInput;
  /** Customer keys to ask the system for. */
  readonly keys: {
    /** Keys the system knows (at least 3 for the key-order check; every one is sent in the batch check). */
    readonly known: readonly string[];
    /** A well-formed key the system does not know. */
    readonly unknown: string;
  };
  /** The graph field that echoes the key (e.g. `taxNumber`); when given, the key-order check also reads it. */
  readonly keyField?: string;
  /**
   * The figures (with `of()`) to hold against the graph. Default: those the factory was declared
   * with by `defineConnector`; a factory built otherwise, without these, skips the figures check.
   */
  readonly figures?: ReadonlyArray<FigureDeclaration<never>>;
  /** How the directory check walks the system's directory. */
  readonly directory?: {
    /** Default 50. */
    readonly pageSize?: number;
    /** The walk stops after this many pages and says so (a live system may be large). Default 20. */
    readonly maxPages?: number;
    /** Every key the directory should list, when the system's own data is known (a test world). */
    readonly expectedKeys?: readonly string[];
  };
  /** `timeoutMs` of the connector pointed at a system that never answers. Default: the config's, at most 500. */
  readonly timeoutMs?: number;
  /** Only these checks, by name (see `CONTRACT_CHECK_NAMES`). Default: all. */
  readonly only?: readonly string[];
}
