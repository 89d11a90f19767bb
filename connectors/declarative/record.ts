import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { DeclaredField, DeclaredObjectType, RestConnectorDeclaration } from './declaration.schema';
import { resolveType, sourceOf, valueAt, type ResolvedType } from './declaration.types';

/** A record as the system sends it, checked against the declaration and cut to the fields it maps. */
export type DeclaredRecord = Record<string, unknown>;

type SchemaTree = Map<string, SchemaTree | z.ZodType>;

function insert(tree: SchemaTree, path: readonly string[], schema: z.ZodType): void {
  const [head, ...rest] = path;
  const existing = tree.get(head);
  if (rest.length === 0) {
    // Two fields read the same value, or a value and fields inside it: the record must satisfy both.
    if (existing === undefined) tree.set(head, schema);
    else tree.set(head, z.intersection(existing instanceof Map ? objectOf(existing) : existing, schema));
    return;
  }
  if (existing instanceof Map) insert(existing, rest, schema);
  else {
    const child: SchemaTree = new Map();
    insert(child, rest, schema);
    tree.set(head, existing === undefined ? child : z.intersection(existing, objectOf(child)));
  }
}

function objectOf(tree: SchemaTree): z.ZodType {
  return z.object(
    Object.fromEntries([...tree].map(([key, value]) => [key, value instanceof Map ? objectOf(value) : value])),
  );
}

function scalarSchema(field: DeclaredField, resolved: ResolvedType & { kind: 'scalar' }): z.ZodType {
  if (field.transform.includes('minorUnits')) return z.number().int();
  if (field.transform.includes('date')) return z.union([z.iso.date(), z.iso.datetime({ offset: true })]);
  switch (resolved.name) {
    case 'String':
      return z.string();
    case 'ID':
      return z.union([z.string(), z.number()]);
    case 'Int':
      return z.number().int();
    case 'Float':
      return z.number();
    case 'Boolean':
      return z.boolean();
    case 'DateTime':
      return z.iso.datetime({ offset: true });
    case 'LocalDate':
      return z.iso.date();
  }
}

function fieldSchema(declaration: RestConnectorDeclaration, field: DeclaredField): z.ZodType {
  const resolved = resolveType(declaration, field);
  if (!resolved) throw new TypeError('A declaration is checked before its record schema is built');
  let one: z.ZodType;
  if (resolved.kind === 'object') one = objectSchemaOf(declaration, resolved.type);
  else if (resolved.kind === 'enum')
    one = z.literal(Object.entries(declaration.graph.enums[resolved.name].values).map(([name, v]) => v.from ?? name));
  else one = scalarSchema(field, resolved);
  const value = resolved.list ? z.array(one) : one;
  return field.nullable ? value.nullish() : value;
}

function objectSchemaOf(declaration: RestConnectorDeclaration, type: DeclaredObjectType): z.ZodType {
  const tree: SchemaTree = new Map();
  for (const [name, field] of Object.entries(type.fields))
    insert(tree, sourceOf(name, field), fieldSchema(declaration, field));
  return objectOf(tree);
}

/**
 * The zod schema of one record, derived from the record type's fields (and the batch key), so a
 * system that changes the shape of what the graph shows is refused naming the field.
 */
export function recordSchemaOf(declaration: RestConnectorDeclaration): z.ZodType<DeclaredRecord> {
  const tree: SchemaTree = new Map();
  insert(tree, declaration.batch.key.split('.'), z.union([z.string(), z.number()]));
  const record = declaration.graph.types[declaration.graph.record];
  for (const [name, field] of Object.entries(record.fields))
    insert(tree, sourceOf(name, field), fieldSchema(declaration, field));
  return objectOf(tree) as z.ZodType<DeclaredRecord>;
}

/** A schema for an answer holding `inner` at the dot path `path` (and whatever else beside it). */
export function answerSchema(path: string, inner: z.ZodType): z.ZodType {
  return path
    .split('.')
    .reverse()
    .reduce<z.ZodType>((schema, segment) => z.object({ [segment]: schema }), inner);
}

/**
 * The cached record format's version, from a hash of what shapes and reads a record (its key and
 * the graph mapping), so a changed declaration reads older copies as misses.
 */
export function recordVersionOf(declaration: RestConnectorDeclaration): number {
  const digest = createHash('sha256')
    // The mapping alone: the screen pop's example selection changes nothing stored.
    .update(JSON.stringify({ key: declaration.batch.key, graph: { ...declaration.graph, example: undefined } }))
    .digest('hex');
  // 31 bits: a non-negative integer, however the file changes.
  return Number.parseInt(digest.slice(0, 8), 16) & 0x7fff_ffff;
}

/** Applies a field's transforms, then the parsing its type implies (DateTime values become Dates). */
function scalarValue(field: DeclaredField, name: string, raw: unknown): unknown {
  let value = raw;
  for (const transform of field.transform) {
    if (transform === 'trim') value = String(value).trim();
    else if (transform === 'lowercase') value = String(value).toLowerCase();
    else if (transform === 'minorUnits') value = Number(value) / 100;
    else if (transform === 'date') value = String(value).slice(0, 10);
    else value = new Date(String(value));
  }
  if (name === 'DateTime' && !(value instanceof Date)) return new Date(String(value));
  if (name === 'ID') return String(value);
  return value;
}

function graphValue(declaration: RestConnectorDeclaration, field: DeclaredField, raw: unknown): unknown {
  if (raw === null || raw === undefined) return null;
  const resolved = resolveType(declaration, field)!;
  const one = (item: unknown): unknown => {
    if (resolved.kind === 'object') return graphObjectOf(declaration, resolved.type, item);
    if (resolved.kind === 'enum') {
      const values = Object.entries(declaration.graph.enums[resolved.name].values);
      return values.find(([name, value]) => (value.from ?? name) === item)?.[0] ?? null;
    }
    return scalarValue(field, resolved.name, item);
  };
  return resolved.list ? (raw as unknown[]).map(one) : one(raw);
}

/** One object of the graph, read from the matching object of the record. */
export function graphObjectOf(
  declaration: RestConnectorDeclaration,
  type: DeclaredObjectType,
  source: unknown,
): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(type.fields).map(([name, field]) => [
      name,
      graphValue(declaration, field, valueAt(source, sourceOf(name, field))),
    ]),
  );
}
