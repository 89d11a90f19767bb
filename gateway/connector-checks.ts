import { isScalarType, isSpecifiedScalarType, printType, type GraphQLNamedType, type GraphQLSchema } from 'graphql';
import type { Connector } from '../connectors/kit';

/** Types every connector's subschema carries from the kit: the same definition everywhere, merged as one. */
const KIT_TYPES = new Set(['Freshness', 'DataSource']);

/** Types a connector's subschema may define that the stitcher merges on purpose. */
const MERGED_TYPES = new Set(['Query', 'Customer']);

function ownTypes(schema: GraphQLSchema): GraphQLNamedType[] {
  return Object.values(schema.getTypeMap()).filter(
    (type) => !type.name.startsWith('__') && !(isScalarType(type) && isSpecifiedScalarType(type)),
  );
}

/**
 * Refuses, at start-up and naming the connector and the field or type, a connector whose
 * subschema would change the graph beyond its own department: a root field other than its merge
 * field (which would silently become public), a mutation or subscription, a `Customer` field
 * other than its department field, or a type another connector or the hub already defines.
 */
export function checkConnectorSchemas(hub: GraphQLSchema, connectors: readonly Connector[]): void {
  const owners = new Map<string, { owner: string; printed: string }>();
  const names = new Set<string>();
  for (const type of ownTypes(hub)) owners.set(type.name, { owner: 'the hub', printed: printType(type) });

  for (const connector of connectors) {
    const { schema, name, mergeFieldName } = connector;
    if (names.has(name)) throw new Error(`Two connectors are named ${name}: names must be unique`);
    names.add(name);
    const who = `The ${name} connector`;
    for (const root of [schema.getMutationType(), schema.getSubscriptionType()])
      if (root)
        throw new Error(
          `${who} declares ${root.name}.${Object.keys(root.getFields())[0]}: connectors contribute reads only, through their merge field (${mergeFieldName})`,
        );
    for (const field of Object.keys(schema.getQueryType()?.getFields() ?? {}))
      if (field !== mergeFieldName)
        throw new Error(
          `${who} declares Query.${field}: a connector may declare only its merge field (${mergeFieldName}), which the gateway hides; any other root field would become public`,
        );
    const customer = schema.getType('Customer');
    if (customer && 'getFields' in customer)
      for (const field of Object.keys(customer.getFields()))
        if (field !== name)
          throw new Error(
            `${who} declares Customer.${field}: a connector contributes one field to Customer, its department (${name})`,
          );

    for (const type of ownTypes(schema)) {
      if (MERGED_TYPES.has(type.name)) continue;
      const printed = printType(type);
      const earlier = owners.get(type.name);
      // Kit types and scalars are the same definition in every subschema; anything else is one owner's.
      const shared = isScalarType(type) || (KIT_TYPES.has(type.name) && earlier?.owner !== 'the hub');
      if (earlier && !(shared && earlier.printed === printed))
        throw new Error(
          `${who} declares the type ${type.name}, which ${earlier.owner === 'the hub' ? 'the hub' : `the ${earlier.owner} connector`} already declares: rename one (every connector's types share one graph)`,
        );
      if (!earlier) owners.set(type.name, { owner: name, printed });
    }
  }
}
