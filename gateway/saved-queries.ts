import { randomUUID } from 'node:crypto';
import type { ApolloServer } from '@apollo/server';
import type { SwitchboardConfig } from '../config';
import { internalError } from '../schema/errors';
import { SavedQueries, type DocumentRunner } from '../schema/saved-query';
import type { StoreConnection } from '../store';
import { SavedQueryRepository } from '../store/saved-queries.repository';
import type { QueryLimits } from './plugins/query-limits';
import type { RequestContext } from './runtime';
import type { SchemaSwap } from './schema-swap';
import type { Generation } from './generation';
import { shipSavedQueries } from './shipped-queries';

/** What the hub's saved queries are made of. */
export interface SavedQueriesSetup {
  config: SwitchboardConfig;
  store: StoreConnection;
  /** The server whose pipeline (policy, budgets, deadline) every run goes through. */
  apollo: ApolloServer<RequestContext>;
  /** That server's budgets, which a save is checked against too. */
  limits: QueryLimits;
  swap: SchemaSwap<Generation>;
  warn: (message: string) => void;
}

/**
 * The hub's saved queries: stored in its repository, checked against the graph it serves now
 * with its own budgets, and run through Apollo Server's `executeOperation` with a fresh context
 * for the caller, so a run meets the same field policy, limits and deadline as a request would.
 * Creates the indexes and the shipped queries (those not yet stored).
 */
export async function createSavedQueries(setup: SavedQueriesSetup): Promise<SavedQueries> {
  const { config, store, apollo, limits, swap, warn } = setup;
  const repository = new SavedQueryRepository(store.db, store.deadlines.requestMs);
  await repository.ensureIndexes();
  const run: DocumentRunner = async ({ document, variables, bulk }, principal) => {
    const response = await apollo.executeOperation(
      { query: document, variables },
      { contextValue: swap.createContext({ id: randomUUID(), principal, bulk }) },
    );
    // Incremental delivery (@defer, @stream) is not enabled on this server.
    if (response.body.kind !== 'single') throw internalError('A saved query run answered incrementally');
    const { data, errors } = response.body.singleResult;
    return { data: data ?? null, errors };
  };
  const savedQueries = new SavedQueries({
    repository,
    schema: () => swap.current.schema,
    run,
    rules: limits.validationRules,
    // At the document's own default page sizes: a query that could never run as saved is refused.
    judgeCost: (schema, document) => limits.judgeCost(schema, document, {}),
    maxDocumentCharacters: config.limits.documentCharacters,
  });
  await shipSavedQueries(savedQueries, repository, warn);
  return savedQueries;
}
