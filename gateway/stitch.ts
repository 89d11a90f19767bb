import { GraphQLError, responsePathAsArray, type GraphQLResolveInfo, type GraphQLSchema } from 'graphql';
import { stitchSchemas, type IStitchSchemasOptions } from '@graphql-tools/stitch';
import { filterSchema, MapperKind, mapSchema, relocatedError } from '@graphql-tools/utils';
import type { Connector } from '../connectors/kit';
import { wrapResolver } from '../schema/wrap-resolver';
import { checkConnectorSchemas } from './connector-checks';

/** A subschema with its stitching configuration. */
type SubschemaConfig = Exclude<NonNullable<IStitchSchemasOptions['subschemas']>[number], GraphQLSchema>;

/** The hub's own subschema as the stitcher sees it. */
export interface HubSchemaSource {
  readonly schema: GraphQLSchema;
}

/** What the stitcher reads of a customer to find its key in a connector's system. */
interface LinkedCustomer {
  links?: ReadonlyArray<{ system: string; key: string }>;
}

/** The customer's key in `system`, or null when that system does not know them. */
function keyIn(system: string, customer: LinkedCustomer): string | null {
  return customer.links?.find((link) => link.system === system)?.key ?? null;
}

/**
 * A connector as a stitching subschema: its `Customer` merges into the hub's by the customer's
 * link to that system, through the connector's batch merge field, so a list of N customers
 * costs one call to the connector (and its loaders make that one upstream request).
 */
function toSubschema(connector: Connector): SubschemaConfig {
  return {
    schema: connector.schema,
    merge: {
      Customer: {
        selectionSet: '{ links { system key } }',
        fieldName: connector.mergeFieldName,
        key: (customer: LinkedCustomer) => keyIn(connector.name, customer),
        argsFromKeys: (keys: ReadonlyArray<string | null>) => ({ keys }),
      },
    },
  };
}

type Path = ReadonlyArray<string | number>;

/**
 * Where an error handed out by the field at `field` belongs: its own path with the list indices
 * the field's path has and it lacks (or has wrong) put back, so an error below the field (a
 * bad argument on `accounting.invoices`) stays below it. A path that does not line up with
 * the field's is replaced by the field's.
 */
function placedPath(path: Path | undefined, field: Path): Path {
  if (path === undefined) return field;
  const placed: Array<string | number> = [];
  let j = 0;
  for (const segment of field) {
    if (path[j] === segment) j += 1;
    else if (typeof segment !== 'number') return field;
    else if (typeof path[j] === 'number') j += 1; // a batch position, not the item's index
    placed.push(segment);
  }
  return [...placed, ...path.slice(j)];
}

const samePath = (a: Path | undefined, b: Path) => a?.length === b.length && b.every((segment, i) => a[i] === segment);

/** `value`, or, when it is a GraphQLError, that error at its place under the field `info` resolves. */
function placed(value: unknown, info: GraphQLResolveInfo): unknown {
  if (!(value instanceof GraphQLError)) return value;
  const path = placedPath(value.path, responsePathAsArray(info.path));
  return samePath(value.path, path) ? value : relocatedError(value, path);
}

/**
 * Places every error a field resolves to (or throws) at that field's own path. The stitcher
 * merges the customers of a list in the list field's resolver, so an error a connector's batch
 * merge field gave for one of them (`creditCustomers[3].credit`) is relocated by that field's
 * path, `customers.nodes.credit`: without the item's index, and the same for every item.
 * graphql-js keeps a path an error already has, so the field that hands it out puts it right.
 */
function placeErrorsAtTheirField(schema: GraphQLSchema): GraphQLSchema {
  return mapSchema(schema, {
    [MapperKind.OBJECT_FIELD]: (field) => ({
      ...field,
      resolve: wrapResolver(field.resolve, { value: placed, error: placed }),
    }),
  });
}

/**
 * Stitches the hub and every configured connector into the one customer graph. The gateway
 * reads connectors as data and never names a department. Connectors' merge fields are hidden
 * from clients afterwards (stitching still calls them), as graphql-tools' maintainers advise.
 */
export function buildGatewaySchema(hub: HubSchemaSource, connectors: readonly Connector[]): GraphQLSchema {
  checkConnectorSchemas(hub.schema, connectors);
  const stitched = stitchSchemas({
    subschemas: [{ schema: hub.schema }, ...connectors.map(toSubschema)],
    typeMergingOptions: {
      // Each connector describes its own slice of Customer; clients should read the hub's.
      typeDescriptionsMerger: (candidates) =>
        candidates.find((candidate) => candidate.transformedSubschema?.schema === hub.schema)?.type.description ??
        candidates[0]?.type.description,
    },
  });
  const mergeFields = new Set(connectors.map((connector) => connector.mergeFieldName));
  return placeErrorsAtTheirField(
    filterSchema({
      schema: stitched,
      rootFieldFilter: (operation, fieldName) => !(operation === 'Query' && mergeFields.has(fieldName)),
    }),
  );
}
