import { readFileSync } from 'node:fs';
import path from 'node:path';
import { getNamedType, getNullableType, isObjectType, isRequiredArgument, type GraphQLObjectType } from 'graphql';
import { parse as parseYaml } from 'yaml';
import { ROLES } from '../../../schema/principal';
import type { Person } from '../../../silos';
import { ApiKeyRepository } from '../../../store/api-keys.repository';
import { startTestHub, type TestHub } from '../../helpers/hub';

// The policy as its readers read it: parsed here on its own, not through the hub's loader, so a
// policy change the hub's enforcement does not follow fails this test.
interface PolicyFile {
  groups?: Record<string, string[]>;
  types: Record<string, Record<string, string[]>>;
}
const POLICY = parseYaml(readFileSync(path.join(__dirname, '../../../config/policy.yaml'), 'utf8')) as PolicyFile;

function rolesOf(names: string[]): Set<string> {
  const out = new Set<string>();
  for (const name of names) {
    const group = POLICY.groups?.[name];
    if (group) for (const role of rolesOf(group)) out.add(role);
    else out.add(name);
  }
  return out;
}
function mayRead(role: string, type: string, field: string): boolean {
  const fields = POLICY.types[type];
  const names = fields?.[field] ?? fields?.['*'] ?? [];
  return rolesOf(names).has(role);
}

/** Every field of every object type under `type`, to `depth` levels; each type expanded once per branch. */
function selectAll(type: GraphQLObjectType, seen: Set<string>): string {
  const fields = Object.values(type.getFields()).filter((f) => !f.args.some(isRequiredArgument));
  return fields
    .map((field) => {
      const inner = getNamedType(getNullableType(field.type));
      if (!isObjectType(inner)) return field.name;
      if (seen.has(inner.name)) return null;
      return `${field.name} { ${selectAll(inner, new Set([...seen, inner.name]))} }`;
    })
    .filter((s): s is string => s !== null)
    .join(' ');
}

/**
 * The selection `selectAll` makes, each object type's fields in a named fragment of their own
 * that holds them in an inline fragment: `...Customer0` with
 * `fragment Customer0 on Customer { ... on Customer { id accounting { ...AccountingAccount1 } } }`.
 * Returns the fragment's name; its definition (and those below it) are added to `definitions`.
 */
function fragmentFor(type: GraphQLObjectType, seen: Set<string>, definitions: string[]): string {
  const name = `${type.name}${definitions.length}`;
  const at = definitions.push('') - 1;
  const fields = Object.values(type.getFields()).filter((f) => !f.args.some(isRequiredArgument));
  const selection = fields
    .map((field) => {
      const inner = getNamedType(getNullableType(field.type));
      if (!isObjectType(inner)) return field.name;
      if (seen.has(inner.name)) return null;
      return `${field.name} { ...${fragmentFor(inner, new Set([...seen, inner.name]), definitions)} }`;
    })
    .filter((s): s is string => s !== null)
    .join(' ');
  definitions[at] = `fragment ${name} on ${type.name} { ... on ${type.name} { ${selection} } }`;
  return name;
}

/** The `Type.field` a response path names, walking the schema along its keys. */
function fieldAt(pathKeys: ReadonlyArray<string | number>, root: GraphQLObjectType): string {
  let type: GraphQLObjectType = root;
  let last = '';
  for (const key of pathKeys) {
    if (typeof key === 'number') continue;
    last = `${type.name}.${key}`;
    const inner = getNamedType(getNullableType(type.getFields()[key].type));
    if (isObjectType(inner)) type = inner;
  }
  return last;
}

/** Every `Type.field` in the selection whose parents a role may read, and which of them it may not. */
function expectedDenied(role: string, type: GraphQLObjectType, seen: Set<string>, out: Set<string>) {
  for (const field of Object.values(type.getFields())) {
    if (field.args.some(isRequiredArgument)) continue;
    const inner = getNamedType(getNullableType(field.type));
    if (isObjectType(inner) && seen.has(inner.name)) continue;
    if (!mayRead(role, type.name, field.name)) out.add(`${type.name}.${field.name}`);
    else if (isObjectType(inner)) expectedDenied(role, inner, new Set([...seen, inner.name]), out);
  }
  return out;
}

describe('the authorization matrix: every guarded field, as every role and as anonymous', () => {
  let t: TestHub;
  let rich: Person;
  let document: string;
  let fragmentDocument: string;
  let customerType: GraphQLObjectType;
  const tokens = new Map<string, string>();

  beforeAll(async () => {
    // The depth limit counts each fragment spread and inline fragment as a level (graphql-armor's
    // default), so the document written with fragments needs more than the default 6.
    t = await startTestHub({ scale: 120, auth: { enabled: true } });
    const { world } = t.silos;
    const accounts = new Map(world.accounting.map((a) => [a.accountNumber, a]));
    const contacts = new Map(world.sales.map((c) => [c.id, c]));
    const requesters = new Map(world.support.map((r) => [r.email, r]));
    // A customer every department knows with something in every list, so every field has a place.
    rich = world.people.find((p) => {
      const account = p.keys.accounting ? accounts.get(p.keys.accounting) : undefined;
      const contact = p.keys.sales ? contacts.get(p.keys.sales) : undefined;
      const requester = p.keys.support ? requesters.get(p.keys.support) : undefined;
      return (
        p.hardCase === null &&
        p.keys.credit !== undefined &&
        !!account?.invoices.length &&
        !!account.payments.length &&
        !!contact?.orders.length &&
        !!contact.opportunities.length &&
        !!requester?.tickets.length &&
        !!requester.calls.length
      );
    })!;
    customerType = t.hub.schema.getType('Customer') as GraphQLObjectType;
    document = /* GraphQL */ `query ($phone: String!) {
      customerByPhone(phone: $phone) { ${selectAll(customerType, new Set(['Customer']))} }
      customers(first: 2) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id name } } nodes { id } }
    }`;
    // The same document with every selection on Customer and the department types in fragments.
    const definitions: string[] = [];
    const top = fragmentFor(customerType, new Set(['Customer']), definitions);
    fragmentDocument = document.replace(
      /customerByPhone\(phone: \$phone\) \{.*\}\n/,
      `customerByPhone(phone: $phone) { ...${top} }\n`,
    );
    fragmentDocument = `${fragmentDocument}\n${definitions.join('\n')}`;
    const keys = new ApiKeyRepository(t.hub.store.db);
    for (const role of ROLES) tokens.set(role, (await keys.create(`matrix-${role}`, [role])).token);
  });
  afterAll(() => t.close());

  it('found a customer with data in every department list', () => {
    expect(rich).toBeDefined();
  });

  /** Asks `query` as `role` and checks every FORBIDDEN path and every system asked against the policy file. */
  async function answersAsThePolicySays(role: string, query: string) {
    const before = await t.siloRequests();
    const response = await t.post(query, { phone: rich.phone }, { authorization: `Bearer ${tokens.get(role)}` });
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      data?: unknown;
      errors?: Array<{ path: Array<string | number>; extensions: { code: string } }>;
    };
    const queryType = t.hub.schema.getQueryType()!;
    const denied = new Set(
      (body.errors ?? []).filter((e) => e.extensions.code === 'FORBIDDEN').map((e) => fieldAt(e.path, queryType)),
    );
    const expected = new Set<string>();
    if (!mayRead(role, 'Query', 'customerByPhone')) expected.add('Query.customerByPhone');
    else {
      expectedDenied(role, customerType, new Set(['Customer']), expected);
    }
    if (!mayRead(role, 'Query', 'customers')) expected.add('Query.customers');
    else {
      for (const field of ['totalCount', 'pageInfo', 'edges', 'nodes'])
        if (!mayRead(role, 'CustomerConnection', field)) expected.add(`CustomerConnection.${field}`);
    }
    expect([...denied].sort()).toEqual([...expected].sort());
    // Only departments the role may read anything of are asked: a denied department costs nothing.
    const asked = Object.entries(await t.siloRequests())
      .filter(([system, n]) => n > before[system])
      .map(([s]) => s);
    const reads = (system: string) =>
      ['accounting', 'sales', 'credit', 'support'].includes(system) && mayRead(role, 'Customer', system);
    for (const system of asked) expect([system, reads(system)]).toEqual([system, true]);
    return body;
  }

  it.each(ROLES.map((role) => [role]))('answers %s exactly as the policy file says, field by field', async (role) => {
    await answersAsThePolicySays(role, document);
  });

  it.each(ROLES.map((role) => [role]))(
    'answers %s the same through named and inline fragments on Customer and the department types',
    async (role) => {
      expect(fragmentDocument).toContain('customerByPhone(phone: $phone) { ...Customer0 }');
      const plain = await answersAsThePolicySays(role, document);
      const throughFragments = await answersAsThePolicySays(role, fragmentDocument);
      // The same answer but for when each department's record was fetched (the second asks the cache).
      const withoutFreshness = (data: unknown): unknown =>
        JSON.parse(JSON.stringify(data, (key, value: unknown) => (key === 'freshness' ? undefined : value)));
      expect(withoutFreshness(throughFragments.data)).toEqual(withoutFreshness(plain.data));
    },
  );

  it('reports no error for a denied field the caller skipped with @include(if: false)', async () => {
    const body = (await (
      await t.post(
        `query ($phone: String!) { customerByPhone(phone: $phone) { id credit { legalName score @include(if: false) } } }`,
        { phone: rich.phone },
        { authorization: `Bearer ${tokens.get('support')}` },
      )
    ).json()) as { data: { customerByPhone: { credit: Record<string, unknown> | null } }; errors?: unknown[] };
    expect(body.errors).toBeUndefined();
    expect(Object.keys(body.data.customerByPhone.credit ?? {})).toEqual(['legalName']);
  });

  it('lets a role filter and order only by figures it may read, since a sorted list reveals them', async () => {
    await t.hub.buildSnapshots();
    const code = async (role: string, args: string) => {
      const body = (await (
        await t.post(
          `{ customers(first: 3, ${args}) { edges { cursor } } }`,
          {},
          { authorization: `Bearer ${tokens.get(role)}` },
        )
      ).json()) as { errors?: Array<{ extensions: { code: string } }> };
      return body.errors?.[0]?.extensions.code ?? 'OK';
    };
    expect(await code('support', 'orderBy: { field: CREDIT_SCORE }')).toBe('FORBIDDEN');
    expect(await code('sales', 'filter: { credit: { score: { gte: 700 } } }')).toBe('FORBIDDEN');
    expect(await code('credit', 'orderBy: { field: CREDIT_SCORE }')).toBe('OK');
    // Counted from invoices, which support may not read: refused; the balance it may read: fine.
    expect(await code('support', 'filter: { accounting: { openInvoices: { gte: 1 } } }')).toBe('FORBIDDEN');
    expect(await code('support', 'filter: { accounting: { balance: { gt: 0 } } }')).toBe('OK');
  });

  it('refuses the same query without a credential with 401, executing nothing', async () => {
    const before = await t.siloRequests();
    const response = await t.post(document, { phone: rich.phone });
    expect(response.status).toBe(401);
    expect(await t.siloRequests()).toEqual(before);
  });

  it('runs refreshCustomer only for the roles the policy names, and asks no system for the others', async () => {
    const id = (await t
      .post(
        `{ customerByPhone(phone: "${rich.phone}") { id } }`,
        {},
        { authorization: `Bearer ${tokens.get('admin')}` },
      )
      .then((r) => r.json())) as { data: { customerByPhone: { id: string } } };
    for (const role of ROLES) {
      const before = await t.siloRequests();
      const response = await t.post(
        `mutation { refreshCustomer(id: "${id.data.customerByPhone.id}") { systems { system ok } } }`,
        {},
        { authorization: `Bearer ${tokens.get(role)}` },
      );
      const body = (await response.json()) as {
        data: { refreshCustomer: unknown } | null;
        errors?: Array<{ extensions: { code: string } }>;
      };
      const allowed = mayRead(role, 'Mutation', 'refreshCustomer');
      expect([role, body.data?.refreshCustomer === null || body.data?.refreshCustomer === undefined]).toEqual([
        role,
        !allowed,
      ]);
      if (!allowed) {
        expect(body.errors?.map((e) => e.extensions.code)).toEqual(['FORBIDDEN']);
        expect(await t.siloRequests()).toEqual(before);
      }
    }
  });
});
