import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildSchema, isObjectType, type GraphQLObjectType } from 'graphql';
import { buildEveryConnectorSchema } from '../../../gateway/schema-file';
import { loadConfig } from '../../../config';
import { loadAccessPolicy } from '../../../gateway/auth/policy';
import type { Principal, Role } from '../../../schema/principal';

const schema = buildSchema(/* GraphQL */ `
  type Query {
    customer: Customer
  }
  type Customer {
    id: ID!
    score: Int
  }
`);
const dir = mkdtempSync(path.join(tmpdir(), 'sb-policy-'));
function policyFile(text: string): string {
  const file = path.join(dir, `${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, text);
  return file;
}
const as = (...roles: Role[]): Principal => ({ kind: 'api-key', id: 'k', name: 'k', roles: new Set(roles) });

describe('the access policy file', () => {
  it('lets a field line override its type\'s "*", expands groups, and denies what it does not name', () => {
    const policy = loadAccessPolicy(
      policyFile(`
groups: { desk: [sales, support] }
types:
  Query: { "*": [desk, credit] }
  Customer:
    "*": [desk, credit]
    score: [credit]
`),
      schema,
    );
    expect(policy.allows(as('support').roles, 'Customer', 'id')).toBe(true);
    expect(policy.allows(as('support').roles, 'Customer', 'score')).toBe(false);
    expect(policy.allows(as('credit').roles, 'Customer', 'score')).toBe(true);
    expect(policy.allows(as('admin').roles, 'Customer', 'id')).toBe(false);
    expect(policy.allows(as('admin').roles, 'Customer', '__typename')).toBe(true);
  });

  it.each([
    [
      'an unknown role',
      'types: { Customer: { id: [wizard] } }',
      /types\.Customer\.id: "wizard" is neither a role nor a group/,
    ],
    ['an unknown type', 'types: { Client: { id: [admin] } }', /types\.Client: no such object type in the graph/],
    [
      'an unknown field',
      'types: { Customer: { scroe: [admin] } }',
      /types\.Customer\.scroe: Customer has no field scroe/,
    ],
    ['a wrong shape', 'types: { Customer: { id: admin } }', /types\.Customer\.id: /],
    [
      'a type of the graph it does not name (a department just added, say)',
      'types: { Query: { "*": [admin] } }',
      /types: names no rule for Customer, whose fields every role would then be refused/,
    ],
  ])('refuses %s at start-up, naming the file and the place in it', (_case, text, message) => {
    const file = policyFile(text);
    expect(() => loadAccessPolicy(file, schema)).toThrow(message);
    expect(() => loadAccessPolicy(file, schema)).toThrow(`Invalid access policy ${file}`);
  });

  it('ships a policy that fits the real graph, optional connectors included, and names a rule for every object type', () => {
    const graph = buildEveryConnectorSchema(loadConfig({ env: {} }));
    const policy = loadAccessPolicy(path.join(__dirname, '../../../config/policy.yaml'), graph);
    const unnamed = Object.values(graph.getTypeMap())
      .filter((type): type is GraphQLObjectType => isObjectType(type) && !type.name.startsWith('__'))
      .filter((type) => Object.keys(type.getFields()).every((field) => policy.rolesFor(type.name, field).size === 0))
      .map((type) => type.name);
    expect(unnamed).toEqual([]);
  });
});
