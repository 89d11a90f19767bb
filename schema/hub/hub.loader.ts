import DataLoader from 'dataloader';
import { ScopeKey } from '../../gateway/runtime';
import type { IdentityLookups } from '../../store/identity-lookups';
import type { StoredIdentity } from '../../store/identity.repository';

/** The hub's per-request loaders. */
export interface HubScope {
  /** Customers by hub id (or former id), one query per tick. */
  customers: DataLoader<string, StoredIdentity | null>;
}

/** How hub resolvers find this request's loaders. */
export const hubScope = new ScopeKey<HubScope>('hub');

/** Creates one request's hub loaders. */
export function createHubScope(lookups: IdentityLookups): HubScope {
  return {
    customers: new DataLoader(async (ids) => {
      const found = await lookups.findByIds(ids);
      const byId = new Map<string, StoredIdentity>();
      for (const doc of found) {
        byId.set(doc._id, doc);
        for (const alias of doc.aliases) if (!byId.has(alias)) byId.set(alias, doc);
      }
      return ids.map((id) => byId.get(id) ?? null);
    }),
  };
}
