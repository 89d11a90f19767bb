import type { ApolloServerOptionsWithGateway, ApolloServerPlugin } from '@apollo/server';
import { execute, type GraphQLSchema } from 'graphql';
import type { ContextRequest } from './context';
import type { RequestContext } from './runtime';

/** Apollo Server's way to change the schema at run time (`@apollo/server-gateway-interface`). */
type GatewayInterface = ApolloServerOptionsWithGateway<RequestContext>['gateway'];
type GatewayExecutor = NonNullable<Awaited<ReturnType<GatewayInterface['load']>>['executor']>;
type SchemaListener = Parameters<GatewayInterface['onSchemaLoadOrUpdate']>[0];

/** What one generation of the served graph must offer the swap: its schema and its request contexts. */
export interface ServedGraph {
  readonly schema: GraphQLSchema;
  /** A request's context with a fresh scope per source of this generation (`createContextFactory`). */
  createContext(request: ContextRequest): RequestContext;
}

/** The schema Apollo Server executes against, swappable while it serves. */
export interface SchemaSwap<G extends ServedGraph> {
  /** Pass as ApolloServer's `gateway` option (instead of `schema`). */
  readonly gateway: GatewayInterface;
  /** Install in Apollo Server: counts each generation's requests from their start to their response. */
  readonly plugin: ApolloServerPlugin<RequestContext>;
  /** The context factory to give the HTTP integration: the current generation's. */
  createContext(request: ContextRequest): RequestContext;
  /** The generation new requests get. */
  readonly current: G;
  /** The generation that validated a request against `schema`, while anything still holds that schema. */
  generationOf(schema: GraphQLSchema): G | undefined;
  /**
   * Makes `next` the generation new requests get, at once. Resolves with the generation it
   * replaced once the last request that started on it has been answered.
   */
  swap(next: G): Promise<G>;
}

interface Entry<G> {
  readonly generation: G;
  inFlight: number;
  /** Set once the generation is replaced; called when its last request is answered. */
  whenIdle: (() => void) | null;
}

/**
 * Serves a schema that can be replaced while requests run, the way Apollo Server supports it: as a
 * gateway. Apollo reads the schema-derived data (the schema, its validation) once per request,
 * before the request starts, and keeps it for that request; an update only changes what the next
 * request reads. This executor then runs each operation against the schema it was validated
 * against, with that generation's connector scopes: a request whose context was created just
 * before a swap, but validated just after, gets scopes of the generation it was validated on.
 */
export function createSchemaSwap<G extends ServedGraph>(initial: G): SchemaSwap<G> {
  // Weak: a replaced generation stays found for as long as a request holds its schema, no longer.
  const bySchema = new WeakMap<GraphQLSchema, Entry<G>>();
  const builtBy = new WeakMap<RequestContext, G>();
  const listeners = new Set<SchemaListener>();
  let current: Entry<G> = { generation: initial, inFlight: 0, whenIdle: null };
  bySchema.set(initial.schema, current);

  const notify = () => {
    for (const listener of listeners) listener({ apiSchema: current.generation.schema, coreSupergraphSdl: '' });
  };

  const executor: GatewayExecutor = async (requestContext) => {
    const entry = bySchema.get(requestContext.schema);
    if (!entry) throw new Error('The operation was validated against a schema this hub no longer knows');
    const { generation } = entry;
    const context = requestContext.context as RequestContext;
    // Same request id, principal and freshness log: only the scopes follow the schema.
    const contextValue =
      builtBy.get(context) === generation
        ? context
        : {
            ...context,
            scopes: generation.createContext({
              id: context.requestId,
              principal: context.principal,
              bulk: context.bulk,
            }).scopes,
          };
    return execute({
      schema: requestContext.schema,
      document: requestContext.document,
      contextValue,
      variableValues: requestContext.request.variables,
      operationName: requestContext.operationName,
    });
  };

  const release = (entry: Entry<G>) => {
    entry.inFlight -= 1;
    if (entry.inFlight === 0 && entry.whenIdle) entry.whenIdle();
  };

  return {
    gateway: {
      async load() {
        // Apollo's schema manager expects the first schema reported before load() resolves.
        notify();
        return { executor };
      },
      onSchemaLoadOrUpdate(listener) {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
      async stop() {
        listeners.clear();
      },
    },
    plugin: {
      async requestDidStart({ schema }) {
        const entry = bySchema.get(schema);
        if (!entry) return;
        entry.inFlight += 1;
        let answered = false;
        return {
          async willSendResponse() {
            if (answered) return;
            answered = true;
            release(entry);
          },
        };
      },
    },
    createContext(request) {
      const { generation } = current;
      const context = generation.createContext(request);
      builtBy.set(context, generation);
      return context;
    },
    get current() {
      return current.generation;
    },
    generationOf: (schema) => bySchema.get(schema)?.generation,
    swap(next) {
      const previous = current;
      current = { generation: next, inFlight: 0, whenIdle: null };
      bySchema.set(next.schema, current);
      // Apollo's schema manager derives the new schema's data synchronously, here: the next
      // request validates against it.
      notify();
      return new Promise<G>((resolve) => {
        previous.whenIdle = () => resolve(previous.generation);
        if (previous.inFlight === 0) previous.whenIdle();
      });
    },
  };
}
