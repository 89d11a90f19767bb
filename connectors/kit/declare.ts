import { Arg, Ctx, FieldResolver, ObjectType, Query, Resolver, Root, type ClassType } from 'type-graphql';
import type { z } from 'zod';
import type { ConnectorConfig } from '../../config';
import type { RequestContext } from '../../gateway/runtime/context';
import { ScopeKey } from '../../gateway/runtime/context';
import type { ConnectorFactory, FigureDefinition, FigureValues } from './contract';
import { stubsForKeys, type CustomerStub } from '../../gateway/runtime/customer-stub';
import { createConnector, loadRecord, type RecordScope } from '../../gateway/runtime/connector';
import type { ConnectorTransport } from './contract';
import type { Freshness } from './freshness';
import { settingsOf, credentialsOf } from './settings';

/** A department's graph object without its freshness, which the kit adds on every read. */
export type GraphValue<P> = Omit<P, 'freshness'>;

/** A summary figure for the customer-360 snapshot, computed from the department's graph object. */
export interface FigureDeclaration<P> extends FigureDefinition {
  /** The figure's value for one customer: read from what the graph shows, so the two never disagree. */
  of(value: GraphValue<P>): FigureValues[string];
}

/** What a transport factory is given: the connector's settings, its own settings and its credentials. */
export interface TransportContext<S> {
  /** The department's name (for error messages). */
  readonly name: string;
  readonly config: ConnectorConfig;
  /** `connectors.<name>.settings`, checked against the declaration's `settings` schema. */
  readonly settings: S;
  /** The declared credentials, read from the environment variables the configuration names. */
  readonly credentials: Readonly<Record<string, string>>;
}

/**
 * One department system, declared: everything the hub needs to stitch it into `Customer`,
 * cache it, sync its identities and snapshot its figures. Names that must agree (the merge
 * field, the request scope, the `Customer` field) are derived from `name`.
 *
 * @example
 * export const salesConnector = defineConnector({
 *   name: 'sales',
 *   description: 'Sales: lifetime value, orders and opportunities, keyed by CRM contact id.',
 *   key: { name: 'contact id' },
 *   graph: { type: SalesProfile, description: 'The customer in the sales CRM; null when ...', from: toSalesProfile },
 *   transport: ({ config }) => createSalesTransport(config),
 *   figures: [{ name: 'orderCount', type: 'Int', description: '...', of: (p) => p.allOrders.length }],
 * });
 */
export interface ConnectorDeclaration<V, P extends { freshness: Freshness }, S = Record<string, never>> {
  /** Lower-case department name: the `Customer` field, e.g. `sales`. */
  name: string;
  /** One sentence for operators and the README. */
  description: string;
  /** The customer key the system joins on. */
  key: {
    /** What the system calls it, for descriptions: `account number`, `contact id`, `e-mail`. */
    name: string;
    /** The form the system compares keys in (e-mails: lower case). Default: as is. */
    normalize?: (key: string) => string;
  };
  /** How the department appears under `Customer`. */
  graph: {
    /** The type-graphql object type of the department's record; it has a `freshness: Freshness` field. */
    type: ClassType<P>;
    /** Description of the `Customer.<name>` field. */
    description: string;
    /** Maps one record, as the transport returns it, to the graph object. */
    from(record: V): GraphValue<P>;
    /** Resolver classes for fields of nested types (fields with arguments, such as `orders(last:)`). */
    resolvers?: ClassType[];
    /**
     * What the query page's screen pop reads of this department: a selection set on `type`, e.g.
     * `{ balance invoices(last: 5) { number total } }`. Default: its freshness.
     */
    example?: string;
  };
  /** The only code that talks to the system. */
  transport(context: TransportContext<S>): ConnectorTransport<V>;
  /** What the department contributes to the customer-360 snapshot (filters and ordering). */
  figures: ReadonlyArray<FigureDeclaration<P>>;
  /**
   * The shape of the records this connector caches; bump it when the transport's record type
   * changes, so older copies in the repository are read as misses. Default 1.
   */
  recordVersion?: number;
  /** A zod schema for `connectors.<name>.settings`; without one, settings must be empty. */
  settings?: z.ZodType<S>;
  /** Names of the credentials the transport needs; the config says which environment variable holds each. */
  credentials?: readonly string[];
}

/**
 * The figure declarations of each factory `defineConnector` built, so the contract checks can
 * hold the snapshot path against the graph: a factory carries only the definitions, not `of()`.
 */
const declaredFigures = new WeakMap<ConnectorFactory, ReadonlyArray<FigureDeclaration<never>>>();

/** The figures (with `of()`) `factory` was declared with; undefined for a factory not built by `defineConnector`. */
export function declaredFiguresOf(factory: ConnectorFactory): ReadonlyArray<FigureDeclaration<never>> | undefined {
  return declaredFigures.get(factory);
}

/** The merge field the gateway calls with this system's keys, derived from the department's name. */
export function mergeFieldNameOf(name: string): string {
  return `${name}Customers`;
}

/** `Customer` as this department contributes to it, with the merge field and the department field. */
function customerResolverFor<V, P extends { freshness: Freshness }>(
  declaration: ConnectorDeclaration<V, P, unknown>,
  scope: ScopeKey<RecordScope<V>>,
): ClassType {
  const { name, graph } = declaration;

  @ObjectType('Customer', { description: `A customer, as the ${name} system contributes to it.` })
  class DepartmentCustomer {
    key!: string | null;
  }

  @Resolver(() => DepartmentCustomer)
  class DepartmentCustomerResolver {
    @Query(() => [DepartmentCustomer], {
      name: mergeFieldNameOf(name),
      description: `Merge field for the gateway: one Customer per ${declaration.key.name}, in order. Not part of the public graph.`,
    })
    customers(@Arg('keys', () => [String], { nullable: 'items' }) keys: Array<string | null>): CustomerStub[] {
      return stubsForKeys(keys);
    }

    @FieldResolver(() => graph.type, { name, nullable: true, description: graph.description })
    async department(@Root() customer: CustomerStub, @Ctx() ctx: RequestContext): Promise<P | null> {
      const fetched = await loadRecord(ctx, scope, customer.key);
      return fetched && ({ ...graph.from(fetched.value), freshness: fetched.freshness } as P);
    }
  }
  return DepartmentCustomerResolver;
}

/**
 * Turns a declaration into the factory the hub installs: the subschema (a generated `Customer`
 * resolver plus the declaration's own), the per-request loader, the cached source and the
 * snapshot figures, all under names derived from `name`.
 */
export function defineConnector<V, P extends { freshness: Freshness }, S = Record<string, never>>(
  declaration: ConnectorDeclaration<V, P, S>,
): ConnectorFactory {
  const { name, graph } = declaration;
  if (!/^[a-z][a-z0-9]*$/.test(name))
    throw new TypeError(`defineConnector expected name to be lower-case letters and digits, but got "${name}".`);
  const scope = new ScopeKey<RecordScope<V>>(name);
  const resolver = customerResolverFor(declaration as ConnectorDeclaration<V, P, unknown>, scope);
  const factory: ConnectorFactory = {
    name,
    exampleSelection: graph.example,
    create(config, runtime) {
      const settings = settingsOf(name, declaration.settings, config.settings);
      const credentials = credentialsOf(
        name,
        declaration.credentials ?? [],
        config.credentials,
        runtime.env ?? process.env,
      );
      return createConnector<V>(
        {
          name,
          description: declaration.description,
          resolvers: [resolver, ...(graph.resolvers ?? [])],
          mergeFieldName: mergeFieldNameOf(name),
          transport: declaration.transport({ name, config, settings, credentials }),
          normalizeKey: declaration.key.normalize,
          exampleSelection: graph.example,
          recordVersion: declaration.recordVersion,
          figures: declaration.figures.map(({ name: figure, type, description }) => ({
            name: figure,
            type,
            description,
          })),
          summarize: (record) => {
            const value = graph.from(record);
            return Object.fromEntries(declaration.figures.map((figure) => [figure.name, figure.of(value)]));
          },
        },
        config,
        runtime,
      );
    },
  };
  declaredFigures.set(factory, declaration.figures);
  return factory;
}
