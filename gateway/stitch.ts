import type { GraphQLSchema } from 'graphql';
import { stitchSchemas, type IStitchSchemasOptions } from '@graphql-tools/stitch';
import { filterSchema } from '@graphql-tools/utils';
import type { Connector } from '../connectors/kit';

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

/**
 * Stitches the hub and every configured connector into the one customer graph. The gateway
 * reads connectors as data and never names a department. Connectors' merge fields are hidden
 * from clients afterwards (stitching still calls them), as graphql-tools' maintainers advise.
 */
export function buildGatewaySchema(hub: HubSchemaSource, connectors: readonly Connector[]): GraphQLSchema {
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
  return filterSchema({
    schema: stitched,
    rootFieldFilter: (operation, fieldName) => !(operation === 'Query' && mergeFields.has(fieldName)),
  });
}
