// Public API of schema/hub/: the hub's own subschema (identity, look-ups, the customer list).
import type { GraphQLSchema } from 'graphql';
import { buildSchemaSync } from 'type-graphql';
import { createHubScope, type HubScope } from './hub.loader';
import { createHubResolver, type HubResolverDeps } from './hub.resolver';

export { MAX_PAGE_SIZE } from './hub.resolver';
export type { HubResolverDeps } from './hub.resolver';
export { encodeCursor, decodeCursor } from './cursor';

/** The hub's subschema and its per-request scope factory. */
export interface HubSubschema {
  /** The scope name in the request context. */
  readonly name: 'hub';
  readonly schema: GraphQLSchema;
  createRequestScope(): HubScope;
}

/** Builds the hub's subschema: `Customer` identity and the root look-ups. */
export function createHubSubschema(deps: HubResolverDeps): HubSubschema {
  const resolver = createHubResolver(deps);
  return {
    name: 'hub',
    schema: buildSchemaSync({ resolvers: [resolver], validate: false }),
    createRequestScope: () => createHubScope(deps.repository),
  };
}
