import { randomUUID } from 'node:crypto';
import { FreshnessLog, type Connector, type RequestContext } from '../connectors/kit';

/** Anything that contributes a per-request scope: the hub and each connector. */
export interface ScopeSource {
  readonly name: string;
  createRequestScope(): unknown;
}

/**
 * The context factory: a fresh scope, with fresh DataLoaders, for every source on every
 * request, so no cached result or batch ever crosses from one request to another.
 */
export function createContextFactory(
  sources: ReadonlyArray<ScopeSource | Connector>,
): (requestId?: string) => RequestContext {
  return (requestId = randomUUID()) => ({
    requestId,
    freshness: new FreshnessLog(),
    scopes: new Map(sources.map((source) => [source.name, source.createRequestScope()])),
  });
}
