import { readFileSync } from 'node:fs';
import { getNamedType, isObjectType, type GraphQLSchema } from 'graphql';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ConfigError } from '../../config';
import { isRole, type Principal, type Role } from '../../schema/principal';

/** The access policy, resolved: who may read each field of each type. */
export interface AccessPolicy {
  /**
   * True when one of these roles may read `type.field`. `__typename` always may. It takes the
   * caller's roles, never the caller: the field policy remembers its verdicts per set of roles.
   */
  allows(roles: ReadonlySet<Role>, type: string, field: string): boolean;
  /** The roles that may read `type.field` (empty: denied to everyone). */
  rolesFor(type: string, field: string): ReadonlySet<Role>;
}

const roleList = z.array(z.string().min(1));
const policyFileSchema = z
  .object({
    groups: z.record(z.string().regex(/^[a-z][a-z-]*$/), roleList).default({}),
    types: z.record(z.string().min(1), z.record(z.string().min(1), roleList)),
  })
  .strict();

/** Where a policy problem is: the file and the path inside it. */
function problem(file: string, at: string, message: string): ConfigError {
  return new ConfigError(`Invalid access policy ${file}: ${at}: ${message}`);
}

/**
 * Reads the policy file and checks it against the schema: every role and group must exist, and
 * every type and field it names must be in the graph (a typo must not silently deny or allow).
 */
export function loadAccessPolicy(
  file: string,
  schema: GraphQLSchema,
  /** A type the graph does not have but a disabled connector would bring: skipped, not refused. */
  knownElsewhere: (typeName: string) => boolean = () => false,
): AccessPolicy {
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigError(`Cannot read the access policy ${file}: ${(error as Error).message}`);
  }
  const parsed = policyFileSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw problem(file, issue.path.join('.') || '(top)', issue.message);
  }
  const { groups, types } = parsed.data;
  const expand = (names: string[], at: string): Set<Role> => {
    const roles = new Set<Role>();
    for (const name of names) {
      if (isRole(name)) roles.add(name);
      else if (groups[name]) for (const member of expand(groups[name], `groups.${name}`)) roles.add(member);
      else throw problem(file, at, `"${name}" is neither a role nor a group`);
    }
    return roles;
  };
  for (const [name, members] of Object.entries(groups)) expand(members, `groups.${name}`);

  const rules = new Map<string, Map<string, Set<Role>>>();
  for (const [typeName, fields] of Object.entries(types)) {
    const type = schema.getType(typeName);
    if (!type && knownElsewhere(typeName)) continue;
    if (!type || !isObjectType(type)) throw problem(file, `types.${typeName}`, 'no such object type in the graph');
    const known = type.getFields();
    const byField = new Map<string, Set<Role>>();
    for (const [fieldName, names] of Object.entries(fields)) {
      if (fieldName !== '*' && !known[fieldName]) {
        throw problem(file, `types.${typeName}.${fieldName}`, `${typeName} has no field ${fieldName}`);
      }
      byField.set(fieldName, expand(names, `types.${typeName}.${fieldName}`));
    }
    rules.set(typeName, byField);
  }

  // A type the policy does not name is denied to everyone, admin included: for a department just
  // added that is a connector that answers FORBIDDEN everywhere, so it is said at start instead.
  const unnamed = Object.values(schema.getTypeMap())
    .filter((type) => isObjectType(type) && !type.name.startsWith('__') && !rules.has(type.name))
    .map((type) => type.name);
  if (unnamed.length > 0)
    throw problem(
      file,
      'types',
      `names no rule for ${unnamed.join(', ')}, whose fields every role would then be refused: give each type its roles (an empty list denies it on purpose)`,
    );

  const none: ReadonlySet<Role> = new Set();
  const rolesFor = (type: string, field: string): ReadonlySet<Role> => {
    const byField = rules.get(type);
    return byField?.get(field) ?? byField?.get('*') ?? none;
  };
  return {
    rolesFor,
    allows(roles, type, field) {
      if (field === '__typename') return true;
      const allowed = rolesFor(type, field);
      for (const role of roles) if (allowed.has(role)) return true;
      return false;
    },
  };
}

/** Whether a caller may filter or order customers by one department figure. */
export type FigureGate = (principal: Principal, figure: { connector: string; name: string }) => boolean;

/**
 * Filtering or ordering by a figure reveals it (a sorted list's order and cursors, a filter's
 * count), so it needs the same right as reading it: the department field on `Customer`, and the
 * department type's field of the same name (`credit.score` needs `CreditProfile.score`). A
 * figure with no field of its name (`openInvoices`, counted from invoices) needs every field of
 * the department type, since it is derived from them.
 */
export function figurePolicy(policy: AccessPolicy, schema: GraphQLSchema): FigureGate {
  const customer = schema.getType('Customer');
  return (principal, figure) => {
    if (!customer || !isObjectType(customer)) return false;
    const department = customer.getFields()[figure.connector];
    if (!department || !policy.allows(principal.roles, 'Customer', figure.connector)) return false;
    const type = getNamedType(department.type);
    if (!isObjectType(type)) return false;
    const fields = type.getFields();
    if (fields[figure.name]) return policy.allows(principal.roles, type.name, figure.name);
    return Object.keys(fields).every((field) => policy.allows(principal.roles, type.name, field));
  };
}
