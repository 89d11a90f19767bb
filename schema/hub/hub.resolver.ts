import { Arg, type ClassType, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../../gateway/runtime';
import type { IdentityLookups } from '../../store/identity-lookups';
import type { IdentityRepository, StoredIdentity } from '../../store/identity.repository';
import type { SnapshotDocument, SnapshotRepository } from '../../store/snapshot.repository';
import { badUserInput, forbidden, quoteInput, snapshotUnavailable } from '../errors';
import type { Principal } from '../principal';
import { normalizeEmail, normalizePhone } from '../identity/normalize';
import type { CatalogFigure } from '../snapshot/figures';
import { decodeCursor, encodeCursor, PLAIN_LIST } from './cursor';
import { oldestFigure, snapshotCursor, toSnapshotQuery } from './filter.query';
import type { CustomerFilterInput, CustomerFilterTypes, CustomerOrderInput } from './filter.types';
import { hubScope } from './hub.loader';
import { Customer, CustomerConnection, RefreshCustomerPayload } from './hub.types';
import { ReloadReport } from './reload.types';

/** The most customers one page may hold. */
export const MAX_PAGE_SIZE = 500;

/** What the hub's resolvers need; set once when the hub subschema is built. */
export interface HubResolverDeps {
  repository: IdentityRepository;
  /** Look-ups by phone, e-mail and id; default: `repository` itself (no memory layer). */
  lookups?: IdentityLookups;
  defaultCountry: string;
  /** Re-reads one customer's record from one system into the repository. */
  refresh(system: string, key: string): Promise<void>;
  /** The customer-360 snapshots that filtered and ordered lists read. */
  snapshots: SnapshotRepository;
  /** Whether the caller may filter or order by a figure (it reveals the figure); default: yes. */
  mayUseFigure?: (principal: Principal, figure: CatalogFigure) => boolean;
  /**
   * Re-reads the configuration and swaps in the connectors and graph it describes, or says why
   * not (`reloadConnectors`); absent: this hub cannot reload (an offline schema build).
   */
  reload?: () => Promise<ReloadReport>;
}

/** What `customers` filters and orders by: the figure catalog and the input types built from it (null: no figures). */
export interface CustomerListing {
  catalog: readonly CatalogFigure[];
  types: CustomerFilterTypes | null;
}

function toCustomer(doc: StoredIdentity | SnapshotDocument): Customer {
  return { id: doc._id, name: doc.name, emails: doc.emails, phones: doc.phones, links: doc.links };
}

function connection(
  nodes: Customer[],
  cursors: string[],
  hasNextPage: boolean,
  asOf: Date | null,
  count: () => Promise<number>,
): CustomerConnection {
  const edges = nodes.map((node, index) => ({ cursor: cursors[index], node }));
  return { edges, nodes, pageInfo: { hasNextPage, endCursor: cursors.at(-1) ?? null }, asOf, count };
}

/** Counts a connection's whole list, only when a client selects `totalCount`. */
@Resolver(() => CustomerConnection)
export class CustomerConnectionResolver {
  @FieldResolver(() => Int, {
    description: 'How many customers the whole list holds: every customer, or every one the filter selects.',
  })
  totalCount(@Root() list: CustomerConnection): Promise<number> {
    return list.count();
  }
}

/** Builds the hub's root resolvers over the identity repository and the snapshots. */
export function createHubResolver(deps: HubResolverDeps, listing: CustomerListing): ClassType {
  const lookups = deps.lookups ?? deps.repository;
  @Resolver(() => Customer)
  class HubResolver {
    @Query(() => Customer, { nullable: true, description: 'The customer with this hub id; null when there is none.' })
    async customer(
      @Arg('id', () => ID, { description: 'A hub customer id (`cus_...`).' }) id: string,
      @Ctx() ctx: RequestContext,
    ): Promise<Customer | null> {
      const doc = await hubScope.from(ctx).customers.load(id);
      return doc ? toCustomer(doc) : null;
    }

    @Query(() => Customer, {
      nullable: true,
      description:
        'The customer with this phone number, in any common format (+1 415 555 0132, (415) 555-0132...). ' +
        'Null when no customer has it. A string that is not a phone number is BAD_USER_INPUT.',
    })
    async customerByPhone(
      @Arg('phone', { description: 'The phone number, as the caller ID shows it.' }) phone: string,
    ): Promise<Customer | null> {
      const e164 = normalizePhone(phone, deps.defaultCountry);
      if (e164 === null)
        throw badUserInput(`Argument "phone" is not a valid phone number: ${quoteInput(phone)}`, 'phone');
      const [doc] = await lookups.findByPhone(e164);
      return doc ? toCustomer(doc) : null;
    }

    @Query(() => Customer, {
      nullable: true,
      description:
        'The customer with this e-mail address (case and surrounding spaces ignored); null when none has it.',
    })
    async customerByEmail(
      @Arg('email', { description: 'The e-mail address.' }) email: string,
    ): Promise<Customer | null> {
      const normalised = normalizeEmail(email);
      if (normalised === null)
        throw badUserInput(`Argument "email" is not a valid e-mail address: ${quoteInput(email)}`, 'email');
      const [doc] = await lookups.findByEmail(normalised);
      return doc ? toCustomer(doc) : null;
    }

    @Query(() => CustomerConnection, {
      description:
        'Every customer, a page at a time, in hub-id order. With `filter` or `orderBy`, the customers the latest ' +
        'customer-360 snapshot selects, in that order (`asOf` says how old it is); before any snapshot exists that is ' +
        'SNAPSHOT_UNAVAILABLE. Department fields under each customer are read as usual, not from the snapshot.',
    })
    async customers(
      @Arg('first', () => Int, { defaultValue: 20, description: `How many customers (1 to ${MAX_PAGE_SIZE}).` })
      first: number,
      @Arg('after', () => String, {
        nullable: true,
        description: 'A cursor from a previous page of the same list: start after it.',
      })
      after: string | null | undefined,
      // Before the optional two: type-graphql passes the declared parameters in order, leaving no
      // gaps, so with no figures (no filter and order declared) a context after them would land
      // in `filter` and send the plain list down the snapshot path.
      @Ctx() ctx: RequestContext | undefined,
      // Declared below, only when some connector has figures: an input type needs fields.
      filter?: CustomerFilterInput | null,
      orderBy?: CustomerOrderInput | null,
    ): Promise<CustomerConnection> {
      if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
        throw badUserInput(`Argument "first" must be an integer from 1 to ${MAX_PAGE_SIZE}, found ${first}`, 'first');
      }
      // An omitted argument arrives as undefined, an explicit null as null: both mean "not given".
      if ((filter === null || filter === undefined) && (orderBy === null || orderBy === undefined)) {
        const afterId = after === null || after === undefined ? null : decodeCursor(after, PLAIN_LIST).id;
        const page = await deps.repository.page(first, afterId);
        const nodes = page.items.map(toCustomer);
        return connection(
          nodes,
          nodes.map((node) => encodeCursor({ l: PLAIN_LIST, o: null, id: node.id })),
          page.hasNextPage,
          null,
          () => lookups.count(),
        );
      }
      const query = toSnapshotQuery(listing.catalog, { first, after, filter, orderBy });
      for (const figure of listing.catalog) {
        const used = filter?.[figure.connector]?.[figure.name] != null || query.sort?.figure === figure;
        // No context means no caller to judge: refuse rather than guess.
        if (used && deps.mayUseFigure && !(ctx && deps.mayUseFigure(ctx.principal, figure))) {
          throw forbidden(`Your roles may not filter or order customers by ${figure.connector}.${figure.name}`);
        }
      }
      const [state, page] = await Promise.all([deps.snapshots.readState(), deps.snapshots.query(query)]);
      // Before the first run finishes, the snapshot is partial or empty: refusing beats a silently short list.
      if (!state?.completed) throw snapshotUnavailable(state?.finishedAt === null ? state : undefined);
      return connection(
        page.items.map(toCustomer),
        page.items.map((doc) => snapshotCursor(doc, query.sort, query.list)),
        page.hasNextPage,
        oldestFigure(page.items) ?? state.completed.startedAt,
        () => deps.snapshots.count(query.conditions),
      );
    }

    @Mutation(() => RefreshCustomerPayload, {
      description:
        'Re-reads one customer from every department system that knows them, now, and stores the answers in ' +
        'the repository. Departments selected under `customer` then show the fresh data.',
    })
    async refreshCustomer(
      @Arg('id', () => ID, { description: 'A hub customer id (`cus_...`).' }) id: string,
      @Ctx() ctx: RequestContext,
    ): Promise<RefreshCustomerPayload> {
      const doc = await hubScope.from(ctx).customers.load(id);
      if (!doc) return { customer: null, systems: [] };
      const outcomes = await Promise.allSettled(doc.links.map((link) => deps.refresh(link.system, link.key)));
      return {
        customer: toCustomer(doc),
        systems: doc.links.map((link, index) => {
          const outcome = outcomes[index];
          return {
            system: link.system,
            ok: outcome.status === 'fulfilled',
            error: outcome.status === 'rejected' ? (outcome.reason as Error).message : null,
          };
        }),
      };
    }

    @Mutation(() => ReloadReport, {
      description:
        'Re-reads the configuration (and the access policy), re-creates the connectors and re-stitches the graph, ' +
        'then serves it: operations already running finish on the previous graph. A configuration that does not ' +
        'start leaves the previous graph serving, and the report says why.',
    })
    async reloadConnectors(): Promise<ReloadReport> {
      if (!deps.reload)
        return { ok: false, reason: 'This hub cannot reload', connectors: [], added: [], removed: [], identity: null };
      return deps.reload();
    }
  }
  if (listing.types) {
    const { CustomerFilter, CustomerOrder } = listing.types;
    Arg('filter', () => CustomerFilter, {
      nullable: true,
      description:
        'Only customers whose snapshot figures meet these conditions, e.g. `{ accounting: { overdueAmount: { gt: 1000 } } }`.',
    })(HubResolver.prototype, 'customers', 3);
    Arg('orderBy', () => CustomerOrder, {
      nullable: true,
      description:
        'Order by one snapshot figure instead of hub id, e.g. `{ field: ACCOUNTING_OVERDUE_AMOUNT, direction: DESC }`.',
    })(HubResolver.prototype, 'customers', 4);
  }
  return HubResolver;
}
