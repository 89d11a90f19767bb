import type { GraphQLSchema } from 'graphql';
import type { ConnectorConfig } from '../../config';
import type { ConnectorRuntime } from '../../gateway/runtime/runtime';

/**
 * One customer record as a department system's directory lists it, with identifiers written
 * the way that system writes them. The hub's identity sync normalises and links them.
 */
export interface DirectoryEntry {
  /** The system's own customer key (account number, contact id, tax number, e-mail...). */
  key: string;
  name: string | null;
  emails: string[];
  phones: string[];
  taxNumbers: string[];
}

/** The kind of a summary figure: what filters and sorts it supports. */
export type FigureType = 'Float' | 'Int' | 'DateTime' | 'String';

/** A summary figure a connector contributes to the customer-360 snapshot (e.g. overdueAmount). */
export interface FigureDefinition {
  /** camelCase; unique within the connector. */
  name: string;
  type: FigureType;
  /** One sentence, shown in the schema. */
  description: string;
}

/** One customer's figures from one connector, by figure name. */
export type FigureValues = Record<string, number | string | Date | null>;

/** The outcome of a connector's health check. */
export interface ConnectorHealth {
  ok: boolean;
  /** What failed, when `ok` is false. */
  detail?: string;
}

/**
 * A running connector: the data the gateway reads to stitch one department into `Customer`.
 *
 * The connector's subschema defines `type Customer { <name>: ... }` and a batch root field
 * `mergeFieldName(keys: [String]!): [Customer]!` returning one entry per key, in key order
 * (null keys get a Customer whose department field is null). The gateway merges that
 * `Customer` into the hub's by the customer's link to this system; it never names a department.
 */
export interface Connector<TScope = unknown> {
  /** Lower-case department name; also the `Customer` field the connector contributes. */
  readonly name: string;
  /** One sentence for operators and the README. */
  readonly description: string;
  /** The connector's executable subschema (built with type-graphql). */
  readonly schema: GraphQLSchema;
  /** The batch root field the gateway calls with this system's keys. */
  readonly mergeFieldName: string;
  /**
   * Creates this request's loaders; called once per GraphQL request by the context factory.
   * `bulk`: the request reads many records once (an export), see `RequestContext.bulk`.
   */
  createRequestScope(options?: { bulk?: boolean }): TScope;
  /** Creates the connector's repository indexes (its cache's TTL index). Idempotent. */
  ensureIndexes(): Promise<void>;
  /** Re-reads these keys from the system now and stores the answers (change notices, refreshCustomer). */
  refresh(keys: readonly string[]): Promise<void>;
  /** Resolves once every repository write-back started so far is acknowledged (or failed and logged). */
  settle(): Promise<void>;
  /** Forgets the repository's copies of these keys; the next read asks the system. */
  evict(keys: readonly string[]): Promise<number>;
  /** The summary figures this connector contributes to customer-360 snapshots. */
  readonly figures: readonly FigureDefinition[];
  /**
   * Reads these keys from the system in one request (refreshing the repository's copies) and
   * returns each known key's figures. Rejects with a hub error when the system fails.
   */
  summarize(keys: readonly string[]): Promise<Map<string, FigureValues>>;
  /** Pages through the system's customer directory, for the identity sync. */
  directory(pageSize: number): AsyncIterable<DirectoryEntry[]>;
  /** Asks the system whether it is up. Never throws. */
  health(): Promise<ConnectorHealth>;
  /** True while the connector's circuit breaker refuses calls to the system (for `GET /readyz`); absent: it has none. */
  breakerOpen?(): boolean;
  /** The department's part of the query page's screen pop: a selection set on its graph type. */
  readonly exampleSelection?: string;
}

/** The only code that talks to a system, what a declaration's `transport` returns. */
export interface ConnectorTransport<V> {
  /** One request for many keys; the map is keyed by normalised key, unknown keys absent. */
  fetch(keys: readonly string[]): Promise<ReadonlyMap<string, V>>;
  directory(pageSize: number): AsyncIterable<DirectoryEntry[]>;
  health(): Promise<ConnectorHealth>;
}

/** What the registry holds: how to build a connector from its configuration. */
export interface ConnectorFactory {
  readonly name: string;
  /** The department's part of the screen pop, as the connector it creates has it. */
  readonly exampleSelection?: string;
  create(config: ConnectorConfig, runtime: ConnectorRuntime): Connector;
}
