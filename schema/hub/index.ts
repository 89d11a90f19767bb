// Public API of schema/hub/: the hub's own subschema (identity, look-ups, the customer list).
import type { GraphQLSchema } from 'graphql';
import { MapperKind, mapSchema } from '@graphql-tools/utils';
import { buildSchemaSync } from 'type-graphql';
import { isStoreUnavailable } from '../../store/deadline';
import { storeUnavailable } from '../errors';
import { wrapResolver } from '../wrap-resolver';
import { figureCatalog, type FigureSource } from '../snapshot/figures';
import { buildCustomerFilterTypes } from './filter.types';
import { createHubScope, type HubScope } from './hub.loader';
import { createHubResolver, CustomerConnectionResolver, type HubResolverDeps } from './hub.resolver';
import { createSavedQueryResolver, type SavedQueries } from '../saved-query';

export { MAX_PAGE_SIZE } from './hub.resolver';
export { screenPopQuery } from './screen-pop';
export type { ScreenPopDepartment } from './screen-pop';
export type { HubResolverDeps } from './hub.resolver';
export type { ReloadReport } from './reload.types';
export { MAX_IN_VALUES, SortDirection } from './filter.types';
export type { CustomerFilterInput, CustomerOrderInput, ScalarFilterInput } from './filter.types';

/** The hub's subschema and its per-request scope factory. */
export interface HubSubschema {
  /** The scope name in the request context. */
  readonly name: 'hub';
  readonly schema: GraphQLSchema;
  createRequestScope(): HubScope;
}

/** What the hub subschema is built from. */
export interface HubSubschemaOptions extends HubResolverDeps {
  /** The running connectors' figures (a `Connector` is one): what `customers` can filter and order by. */
  figureSources: readonly FigureSource[];
  /** The saved queries the `savedQuer*` fields serve, read per request; absent: an offline schema build. */
  savedQueries?: () => SavedQueries | null;
}

const toPublic = (error: unknown): unknown => (isStoreUnavailable(error) ? storeUnavailable(error as Error) : error);

/**
 * Every hub field that reads the store (look-ups, pages, counts, snapshot queries) answers a
 * stalled or unreachable store with STORE_UNAVAILABLE, which says nothing of the store's own text.
 * Every field is wrapped, the plain properties too (cheaply: a field that answers synchronously
 * still does). Not a type-graphql global middleware, which runs every field through an async
 * dispatcher: every id, name and link of every customer on a page became a promise (a fifth of
 * a cold page's allocations).
 */
function withStoreErrors(schema: GraphQLSchema): GraphQLSchema {
  return mapSchema(schema, {
    [MapperKind.OBJECT_FIELD]: (field) => ({ ...field, resolve: wrapResolver(field.resolve, { error: toPublic }) }),
  });
}

/**
 * Builds the hub's subschema: `Customer` identity, the root look-ups, and `customers` with the
 * filter and order inputs generated from the connectors' figures.
 */
export function createHubSubschema(options: HubSubschemaOptions): HubSubschema {
  const catalog = figureCatalog(options.figureSources);
  const resolver = createHubResolver(options, { catalog, types: buildCustomerFilterTypes(catalog) });
  return {
    name: 'hub',
    schema: withStoreErrors(
      buildSchemaSync({
        resolvers: [
          resolver,
          CustomerConnectionResolver,
          createSavedQueryResolver(options.savedQueries ?? (() => null)),
        ],
        validate: false,
      }),
    ),
    createRequestScope: () => createHubScope(options.lookups ?? options.repository),
  };
}
