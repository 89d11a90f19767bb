import type { Principal } from '../../schema/principal';
import type { FreshnessLog } from './freshness-log';

/**
 * The per-request context every resolver receives. The gateway's context factory creates it,
 * with a fresh scope (DataLoaders) for every connector, so nothing is shared across requests.
 */
export interface RequestContext {
  readonly requestId: string;
  /** Who is calling, as the authentication hook established (never headers or tokens). */
  readonly principal: Principal;
  /** What this request served stale, reported in the response's extensions. */
  readonly freshness: FreshnessLog;
  /** Each connector's request scope, by connector name. */
  readonly scopes: ReadonlyMap<string, unknown>;
  /**
   * One page of a bulk read (an export): never answered from the response cache nor kept in
   * it, and the records it reads are not kept in the connectors' memory layer, since each is
   * read once and would only push out what is worth keeping.
   */
  readonly bulk?: boolean;
}

/**
 * A typed handle on one connector's request scope. The connector creates one and uses it to
 * read its own loaders back out of the context.
 *
 * @example
 * const scope = new ScopeKey<AccountingScope>('accounting');
 * const { accounts } = scope.from(ctx);
 */
export class ScopeKey<T> {
  constructor(readonly connector: string) {}

  /** This connector's scope in `ctx`; throws if the context factory did not create one. */
  from(ctx: RequestContext): T {
    const scope = ctx.scopes.get(this.connector);
    if (scope === undefined) {
      throw new TypeError(
        `No request scope for connector "${this.connector}": the context factory must create one per request`,
      );
    }
    return scope as T;
  }
}
