import { randomUUID } from 'node:crypto';
import { type Connector } from '../connectors/kit';
import { FreshnessLog, type RequestContext } from './runtime';
import type { Principal } from '../schema/principal';

/** Anything that contributes a per-request scope: the hub and each connector. */
export interface ScopeSource {
  readonly name: string;
  createRequestScope(options?: { bulk?: boolean }): unknown;
}

/** What a request's context is made from: its id, its caller, and whether it is a bulk read (`RequestContext.bulk`). */
export interface ContextRequest {
  id?: string;
  principal: Principal;
  bulk?: boolean;
}

/**
 * The context factory: a fresh scope, with fresh DataLoaders, for every source on every
 * request, so no cached result or batch ever crosses from one request to another.
 */
export function createContextFactory(
  sources: ReadonlyArray<ScopeSource | Connector>,
): (request: ContextRequest) => RequestContext {
  // The principal is required: a context without one must never default to a privileged caller.
  return ({ id = randomUUID(), principal, bulk }) => ({
    requestId: id,
    principal,
    freshness: new FreshnessLog(),
    scopes: new Map(sources.map((source) => [source.name, source.createRequestScope({ bulk })])),
    ...(bulk ? { bulk } : {}),
  });
}
