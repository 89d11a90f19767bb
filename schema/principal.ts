/** The roles the access policy speaks of. `customer-self` is a customer seeing their own record. */
export const ROLES = [
  'sales',
  'accounting',
  'credit',
  'support',
  'analyst',
  'integrator',
  'admin',
  'customer-self',
] as const;

/** One of `ROLES`. */
export type Role = (typeof ROLES)[number];

/** True for a string that names a role. */
export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

/**
 * Who is calling: what the authentication hook puts on every request, and the only thing about
 * the caller that resolvers, plugins and the policy see (never headers or tokens).
 */
export interface Principal {
  /** How the caller proved who they are. `demo`: no authentication configured, outside production. */
  readonly kind: 'api-key' | 'jwt' | 'demo';
  /** Stable and unique per caller: the key id, the token's subject, or `demo`. Used for budgets and cache scope. */
  readonly id: string;
  /** A readable name for logs (the key's name, the token's subject). */
  readonly name: string;
  readonly roles: ReadonlySet<Role>;
}

/** The caller in demo mode: anonymous requests act as `admin`, as the start-up line says. */
export const DEMO_PRINCIPAL: Principal = {
  kind: 'demo',
  id: 'demo',
  name: 'demo (anonymous)',
  roles: new Set(['admin']),
};
