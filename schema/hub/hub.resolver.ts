import { Arg, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../../connectors/kit';
import type { IdentityRepository, StoredIdentity } from '../../store/identity.repository';
import { badUserInput } from '../errors';
import { normalizeEmail, normalizePhone } from '../identity/normalize';
import { decodeCursor, encodeCursor } from './cursor';
import { hubScope } from './hub.loader';
import { Customer, CustomerConnection, RefreshCustomerPayload } from './hub.types';

/** The most customers one page may hold. */
export const MAX_PAGE_SIZE = 500;

/** What the hub's resolvers need; set once when the hub subschema is built. */
export interface HubResolverDeps {
  repository: IdentityRepository;
  defaultCountry: string;
  /** Re-reads one customer's record from one system into the repository. */
  refresh(system: string, key: string): Promise<void>;
}

function toCustomer(doc: StoredIdentity): Customer {
  return { id: doc._id, name: doc.name, emails: doc.emails, phones: doc.phones, links: doc.links };
}

/** Builds the hub's root resolvers over an identity repository. */
export function createHubResolver(deps: HubResolverDeps): Function {
  @Resolver(() => Customer)
  class HubResolver {
    @Query(() => Customer, { nullable: true, description: 'The customer with this hub id; null when there is none.' })
    async customer(@Arg('id', () => ID, { description: 'A hub customer id (`cus_...`).' }) id: string, @Ctx() ctx: RequestContext): Promise<Customer | null> {
      const doc = await hubScope.from(ctx).customers.load(id);
      return doc ? toCustomer(doc) : null;
    }

    @Query(() => Customer, {
      nullable: true,
      description:
        'The customer with this phone number, in any common format (+1 415 555 0132, (415) 555-0132...). ' +
        'Null when no customer has it. A string that is not a phone number is BAD_USER_INPUT.',
    })
    async customerByPhone(@Arg('phone', { description: 'The phone number, as the caller ID shows it.' }) phone: string): Promise<Customer | null> {
      const e164 = normalizePhone(phone, deps.defaultCountry);
      if (e164 === null) throw badUserInput(`Argument "phone" is not a valid phone number: "${phone}"`, 'phone');
      const [doc] = await deps.repository.findByPhone(e164);
      return doc ? toCustomer(doc) : null;
    }

    @Query(() => Customer, {
      nullable: true,
      description: 'The customer with this e-mail address (case and surrounding spaces ignored); null when none has it.',
    })
    async customerByEmail(@Arg('email', { description: 'The e-mail address.' }) email: string): Promise<Customer | null> {
      const normalised = normalizeEmail(email);
      if (normalised === null) throw badUserInput(`Argument "email" is not a valid e-mail address: "${email}"`, 'email');
      const [doc] = await deps.repository.findByEmail(normalised);
      return doc ? toCustomer(doc) : null;
    }

    @Query(() => CustomerConnection, { description: 'Every customer, a page at a time, in hub-id order.' })
    async customers(
      @Arg('first', () => Int, { defaultValue: 20, description: `How many customers (1 to ${MAX_PAGE_SIZE}).` }) first: number,
      @Arg('after', () => String, { nullable: true, description: 'A cursor from a previous page: start after it.' }) after?: string | null,
    ): Promise<CustomerConnection> {
      if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
        throw badUserInput(`Argument "first" must be an integer from 1 to ${MAX_PAGE_SIZE}, found ${first}`, 'first');
      }
      // An omitted argument arrives as undefined, an explicit null as null: both mean the first page.
      const afterId = after === null || after === undefined ? null : decodeCursor(after);
      const [page, totalCount] = await Promise.all([deps.repository.page(first, afterId), deps.repository.count()]);
      const nodes = page.items.map(toCustomer);
      const edges = nodes.map((node) => ({ cursor: encodeCursor(node.id), node }));
      return {
        edges,
        nodes,
        pageInfo: { hasNextPage: page.hasNextPage, endCursor: edges.at(-1)?.cursor ?? null },
        totalCount,
      };
    }

    @Mutation(() => RefreshCustomerPayload, {
      description:
        'Re-reads one customer from every department system that knows them, now, and stores the answers in ' +
        'the repository. Departments selected under `customer` then show the fresh data.',
    })
    async refreshCustomer(@Arg('id', () => ID, { description: 'A hub customer id (`cus_...`).' }) id: string, @Ctx() ctx: RequestContext): Promise<RefreshCustomerPayload> {
      const doc = await hubScope.from(ctx).customers.load(id);
      if (!doc) return { customer: null, systems: [] };
      const outcomes = await Promise.allSettled(doc.links.map((link) => deps.refresh(link.system, link.key)));
      return {
        customer: toCustomer(doc),
        systems: doc.links.map((link, index) => {
          const outcome = outcomes[index]!;
          return { system: link.system, ok: outcome.status === 'fulfilled', error: outcome.status === 'rejected' ? (outcome.reason as Error).message : null };
        }),
      };
    }
  }
  return HubResolver;
}
