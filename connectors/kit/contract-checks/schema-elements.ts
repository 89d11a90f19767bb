import {
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  type GraphQLField,
  type GraphQLInputField,
  type GraphQLSchema,
} from 'graphql';

/**
 * Every type, field, argument and enum value in `schema` that has no description, as
 * `Type`, `Type.field`, `Type.field(arg:)` or `Enum.VALUE`. Introspection types and the root
 * types' own descriptions are left out (type-graphql gives `Query` none), as are the root
 * fields named in `skipRootFields` (merge fields the public graph never shows).
 */
export function undocumentedElements(schema: GraphQLSchema, skipRootFields: readonly string[] = []): string[] {
  const roots = new Set(
    [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].filter(Boolean),
  );
  const missing: string[] = [];
  const blank = (text: string | null | undefined) => !text || text.trim() === '';
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith('__')) continue;
    const isRoot = roots.has(type as never);
    if (!isRoot && blank(type.description)) missing.push(type.name);
    if (isObjectType(type) || isInterfaceType(type) || isInputObjectType(type)) {
      const fieldMap: Record<string, GraphQLField<unknown, unknown> | GraphQLInputField> = type.getFields();
      const fields = Object.values(fieldMap);
      for (const field of fields) {
        if (isRoot && skipRootFields.includes(field.name)) continue;
        if (blank(field.description)) missing.push(`${type.name}.${field.name}`);
        for (const arg of 'args' in field ? field.args : []) {
          if (blank(arg.description)) missing.push(`${type.name}.${field.name}(${arg.name}:)`);
        }
      }
    }
    if (isEnumType(type)) {
      for (const value of type.getValues()) if (blank(value.description)) missing.push(`${type.name}.${value.name}`);
    }
  }
  return missing;
}
