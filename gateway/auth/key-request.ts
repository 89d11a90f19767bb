import { isRole, ROLES, type Role } from '../../schema/principal';

/** A key to create, checked: a name and known roles. */
export interface KeyRequest {
  name: string;
  roles: Role[];
}

/** The request checked, or a sentence saying what is wrong with it. */
export function validateKeyRequest(body: unknown): KeyRequest | string {
  const { name, roles } = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  if (typeof name !== 'string' || name.trim() === '' || name.length > 100) {
    return 'A key needs a name of 1 to 100 characters (--name)';
  }
  if (!Array.isArray(roles) || roles.length === 0)
    return `A key needs at least one role (--roles), of: ${ROLES.join(', ')}`;
  const unknown = roles.filter((role) => typeof role !== 'string' || !isRole(role));
  if (unknown.length > 0) return `Unknown role ${JSON.stringify(unknown[0])}: expected one of ${ROLES.join(', ')}`;
  return { name: name.trim(), roles: roles as Role[] };
}
