import { MapperKind, mapSchema } from '@graphql-tools/utils';
import {
  getNamedType,
  graphql,
  isLeafType,
  isObjectType,
  type ExecutionResult,
  type GraphQLError,
  type GraphQLFieldResolver,
  type GraphQLSchema,
} from 'graphql';
import { FreshnessLog, type RequestContext } from '../../../gateway/runtime';
import { DEMO_PRINCIPAL } from '../../../schema/principal';
import type { Connector } from '../contract';

// How the checks read a connector the way the gateway does: its merge field, through its own
// subschema, with a fresh request scope per query. The hub's runtime stays inside this file.

/** The merge query selecting `selection` on the department field for `$keys`. */
export function mergeQuery(connector: Connector, selection: string): string {
  return /* GraphQL */ `query ($keys: [String]!) { ${connector.mergeFieldName}(keys: $keys) { ${connector.name} ${selection} } }`;
}

/** Executes `source` against `connector`'s own schema (or `schema`), with a fresh request scope. */
export async function executeOn(
  connector: Connector,
  source: string,
  variables?: Record<string, unknown>,
  schema: GraphQLSchema = connector.schema,
): Promise<ExecutionResult> {
  const contextValue: RequestContext = {
    requestId: 'contract-check',
    principal: DEMO_PRINCIPAL,
    freshness: new FreshnessLog(),
    scopes: new Map([[connector.name, connector.createRequestScope()]]),
  };
  return graphql({ schema, source, variableValues: variables, contextValue });
}

/** The merge field's list of customers in `result`; throws when the answer has none. */
export function customersOf(result: ExecutionResult, connector: Connector): Array<Record<string, unknown> | null> {
  const customers = result.data?.[connector.mergeFieldName];
  if (!Array.isArray(customers))
    throw new TypeError(
      `expected data.${connector.mergeFieldName} to be a list, found ${JSON.stringify(result).slice(0, 300)}`,
    );
  return customers as Array<Record<string, unknown> | null>;
}

/** The department field of each customer in `result` (null where the connector answered none). */
export function departmentsOf(result: ExecutionResult, connector: Connector): Array<Record<string, unknown> | null> {
  return customersOf(result, connector).map(
    (customer) => (customer?.[connector.name] ?? null) as Record<string, unknown> | null,
  );
}

/** What a client relies on in each error: its code, connector and path, in path order. */
export function errorSummaries(errors: readonly GraphQLError[] | undefined) {
  return (errors ?? [])
    .map((error) => ({ code: error.extensions.code, connector: error.extensions.connector, path: error.path }))
    .sort((a, b) => JSON.stringify(a.path).localeCompare(JSON.stringify(b.path)));
}

/** The department's graph type, as `Customer.<name>` returns it; throws when there is none. */
function departmentTypeOf(connector: Connector) {
  const customer = connector.schema.getType('Customer');
  const field = isObjectType(customer) ? customer.getFields()[connector.name] : undefined;
  const type = field && getNamedType(field.type);
  if (!isObjectType(type)) throw new TypeError(`Customer.${connector.name} is not an object type`);
  return type;
}

/**
 * A selection of every argument-free scalar and enum field of the department's graph type, e.g.
 * `{ taxNumber legalName limit }`: enough to tell one customer's answer from another's.
 */
export function leafSelection(connector: Connector): string {
  const fields = Object.values(departmentTypeOf(connector).getFields())
    .filter((field) => field.args.length === 0 && isLeafType(getNamedType(field.type)))
    .map((field) => field.name);
  return `{ ${fields.length ? fields.join(' ') : '__typename'} }`;
}

/**
 * The graph objects the department field's resolver returned for `keys`, in key order, read
 * through the merge field as the gateway reads them, before GraphQL serialises them: what a
 * declaration's figure `of()` is given. Rejects when the query answers errors.
 */
export async function graphObjectsOf(
  connector: Connector,
  keys: readonly string[],
): Promise<Array<Record<string, unknown> | null>> {
  const seen = new Map<string, Record<string, unknown> | null>();
  const schema = mapSchema(connector.schema, {
    [MapperKind.OBJECT_FIELD]: (field, fieldName, typeName) => {
      if (typeName !== 'Customer' || fieldName !== connector.name || !field.resolve) return field;
      const resolve = field.resolve as GraphQLFieldResolver<{ key: string | null }, unknown>;
      return {
        ...field,
        async resolve(source: { key: string | null }, args: Record<string, unknown>, context: unknown, info) {
          const value = (await resolve(source, args, context, info)) as Record<string, unknown> | null;
          if (source.key !== null) seen.set(source.key, value ?? null);
          return value;
        },
      };
    },
  });
  const result = await executeOn(connector, mergeQuery(connector, '{ __typename }'), { keys }, schema);
  if (result.errors?.length) throw new Error(`the graph answered ${result.errors[0].message}`);
  return keys.map((key) => seen.get(key) ?? null);
}
