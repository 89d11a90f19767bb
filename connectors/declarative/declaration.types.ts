import {
  SCALARS,
  type DeclaredField,
  type DeclaredObjectType,
  type RestConnectorDeclaration,
  type ScalarName,
} from './declaration.schema';

/** A declared field's type, resolved against the declaration. */
export type ResolvedType =
  | { kind: 'scalar'; name: ScalarName; list: boolean }
  | { kind: 'enum'; name: string; list: boolean }
  | { kind: 'object'; name: string; type: DeclaredObjectType; list: boolean };

/** The type name a field's `type` gives, and whether it is a list. */
export function typeNameOf(field: Pick<DeclaredField, 'type'>): { name: string; list: boolean } {
  return typeof field.type === 'string' ? { name: field.type, list: false } : { name: field.type[0], list: true };
}

const isScalar = (name: string): name is ScalarName => (SCALARS as readonly string[]).includes(name);

/** Resolves a field's type; null when it names nothing the declaration or GraphQL knows. */
export function resolveType(
  declaration: RestConnectorDeclaration,
  field: Pick<DeclaredField, 'type'>,
): ResolvedType | null {
  const { name, list } = typeNameOf(field);
  if (isScalar(name)) return { kind: 'scalar', name, list };
  if (declaration.graph.enums[name]) return { kind: 'enum', name, list };
  const type = declaration.graph.types[name];
  return type ? { kind: 'object', name, type, list } : null;
}

/** Where a field's value is in its object: its `from` path, default its own name. */
export function sourceOf(fieldName: string, field: DeclaredField): string[] {
  return (field.from ?? fieldName).split('.');
}

/** The value at a dot path (already split) of a JSON value; undefined where the path breaks off. */
export function valueAt(value: unknown, path: readonly string[]): unknown {
  let current = value;
  for (const segment of path) {
    if (current === null || typeof current !== 'object' || Array.isArray(current)) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}
