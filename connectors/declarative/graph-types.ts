import { LocalDateResolver } from 'graphql-scalars';
import { Field, Float, ID, Int, ObjectType, registerEnumType, type ClassType } from 'type-graphql';
import { Freshness } from '../kit';
import type { RestConnectorDeclaration, ScalarName } from './declaration.schema';
import { resolveType } from './declaration.types';

/** The department's record as the graph shows it: the declared fields and the kit's freshness. */
export type DeclaredGraphObject = Record<string, unknown> & { freshness: Freshness };

// What a field's type thunk returns (type-graphql does not export the name).
type TypeValue = ReturnType<NonNullable<Parameters<typeof Field>[0]>>;

const SCALAR_TYPES: Record<ScalarName, TypeValue> = {
  String,
  Int,
  Float,
  Boolean,
  ID,
  DateTime: Date,
  LocalDate: LocalDateResolver,
};

/** A class with the given name, so type-graphql's messages and stack traces name the declared type. */
function namedClass(name: string): ClassType {
  return { [name]: class {} }[name];
}

/**
 * Builds the declaration's object types and enums as type-graphql classes at run time, applying
 * the decorators a hand-written connector would carry (`@ObjectType`, `@Field`, `registerEnumType`),
 * and returns the record type's class, with the kit's `freshness` field added.
 */
export function buildGraphTypes(declaration: RestConnectorDeclaration): ClassType<DeclaredGraphObject> {
  const { graph } = declaration;
  const enums = new Map<string, Record<string, string>>();
  for (const [name, declared] of Object.entries(graph.enums)) {
    const values = Object.fromEntries(Object.keys(declared.values).map((value) => [value, value]));
    registerEnumType(values, {
      name,
      description: declared.description,
      valuesConfig: Object.fromEntries(
        Object.entries(declared.values).map(([value, { description }]) => [value, { description }]),
      ),
    });
    enums.set(name, values);
  }

  const classes = new Map<string, ClassType>();
  for (const name of Object.keys(graph.types)) classes.set(name, namedClass(name));
  for (const [name, declared] of Object.entries(graph.types)) {
    const target = classes.get(name)!;
    for (const [fieldName, field] of Object.entries(declared.fields)) {
      const resolved = resolveType(declaration, field)!;
      // Thunks: a type may use one declared later in the file.
      const named = (): TypeValue =>
        resolved.kind === 'scalar'
          ? SCALAR_TYPES[resolved.name]
          : resolved.kind === 'enum'
            ? enums.get(resolved.name)!
            : classes.get(resolved.name)!;
      Field(() => (resolved.list ? [named()] : named()), {
        nullable: field.nullable,
        description: field.description,
      })(target.prototype, fieldName);
    }
    if (name === graph.record)
      Field(() => Freshness, {
        description: `When this record was fetched from the ${declaration.name} system, and whether it is stale.`,
      })(target.prototype, 'freshness');
    ObjectType(name, { description: declared.description })(target);
  }
  return classes.get(graph.record)! as ClassType<DeclaredGraphObject>;
}
