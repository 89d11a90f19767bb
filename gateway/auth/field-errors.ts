import {
  getNullableType,
  isAbstractType,
  isListType,
  isNonNullType,
  isObjectType,
  Kind,
  type FragmentDefinitionNode,
  type GraphQLFormattedError,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import type { Principal } from '../../schema/principal';
import { isDenied, RUNTIME_TYPE_KEY } from './field-guard';
import type { AccessPolicy } from './policy';

type Data = Record<string, unknown>;
type Path = ReadonlyArray<string | number>;

/** What the walk over one response needs. */
interface Walk {
  schema: GraphQLSchema;
  fragments: ReadonlyMap<string, FragmentDefinitionNode>;
  denied(type: string, field: string): boolean;
  errors: GraphQLFormattedError[];
}

/** The response keys an object of `type` answers, each with its field and sub-selections (CollectFields). */
function collectFields(
  walk: Walk,
  type: GraphQLObjectType,
  sets: readonly SelectionSetNode[],
  out = new Map<string, { field: string; sets: SelectionSetNode[] }>(),
): Map<string, { field: string; sets: SelectionSetNode[] }> {
  const applies = (condition: string | undefined) => {
    if (condition === undefined) return true;
    const on = walk.schema.getType(condition);
    return on === type || (on !== undefined && isAbstractType(on) && walk.schema.isSubType(on, type));
  };
  for (const set of sets) {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        const key = selection.alias?.value ?? selection.name.value;
        const entry = out.get(key) ?? { field: selection.name.value, sets: [] };
        if (selection.selectionSet) entry.sets.push(selection.selectionSet);
        out.set(key, entry);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        if (applies(selection.typeCondition?.name.value)) collectFields(walk, type, [selection.selectionSet], out);
      } else {
        const fragment = walk.fragments.get(selection.name.value);
        if (fragment && applies(fragment.typeCondition.name.value))
          collectFields(walk, type, [fragment.selectionSet], out);
      }
    }
  }
  return out;
}

/**
 * Checks one object against the rules of its concrete type: a denied field answers null with a
 * FORBIDDEN error at its path. True when the object itself must be null (a non-null field of it
 * is), as GraphQL says; every denied field of it is reported all the same.
 */
function checkObject(walk: Walk, object: Data, type: GraphQLObjectType, sets: SelectionSetNode[], path: Path) {
  let mustBeNull = false;
  for (const [key, { field, sets: inner }] of collectFields(walk, type, sets)) {
    const definition = type.getFields()[field];
    // A key not in the object was skipped (@skip, @include) or lies under an upstream error.
    if (field.startsWith('__') || !definition || !(key in object)) continue;
    const here = [...path, key];
    let isNull = false;
    if (walk.denied(type.name, field)) {
      walk.errors.push({
        message: `Your roles may not read ${type.name}.${field}`,
        path: here,
        extensions: { code: 'FORBIDDEN' },
      });
      isNull = true;
    } else if (inner.length > 0) {
      isNull = checkValue(walk, definition.type, object[key], inner, here);
    }
    if (!isNull) continue;
    if (isNonNullType(definition.type)) mustBeNull = true;
    else object[key] = null;
  }
  return mustBeNull;
}

/**
 * Checks a value of `type` (a list of any depth, an object, an interface or a union); true when
 * its place must be null. A list item that must be null is nulled in the list when the item
 * type is nullable, and nulls the list when it is not.
 */
function checkValue(
  walk: Walk,
  type: GraphQLOutputType,
  value: unknown,
  sets: SelectionSetNode[],
  path: Path,
): boolean {
  if (value === null || typeof value !== 'object') return false;
  const nullable = getNullableType(type);
  if (isListType(nullable)) {
    if (!Array.isArray(value)) return false;
    let mustBeNull = false;
    value.forEach((item: unknown, index) => {
      if (!checkValue(walk, nullable.ofType, item, sets, [...path, index])) return;
      if (isNonNullType(nullable.ofType)) mustBeNull = true;
      else value[index] = null;
    });
    return mustBeNull;
  }
  const object = value as Data;
  let concrete: GraphQLObjectType | null = isObjectType(nullable) ? nullable : null;
  if (isAbstractType(nullable)) {
    const named = object[RUNTIME_TYPE_KEY];
    Reflect.deleteProperty(object, RUNTIME_TYPE_KEY);
    const type = typeof named === 'string' ? walk.schema.getType(named) : undefined;
    // Only a type the abstract type can be: the key is ours, but a document could alias it too.
    concrete = isObjectType(type) && walk.schema.isSubType(nullable, type) ? type : null;
  }
  return concrete !== null && checkObject(walk, object, concrete, sets, path);
}

/**
 * Puts into a response of a guarded operation (see `guardDocument`) what its denied fields
 * answer: null, with a FORBIDDEN error at each exact path (every list item its own), a non-null
 * field's null taking the nearest nullable place above it, through lists of lists and the
 * concrete type of each interface or union object. Walks the operation as the caller wrote it,
 * through its fragments. Changes `data` in place; returns the errors and whether the whole of
 * `data` is null (a non-null root field was denied).
 */
export function forbidDenied(
  data: Data,
  operation: OperationDefinitionNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  schema: GraphQLSchema,
  policy: AccessPolicy,
  principal: Principal,
): { errors: GraphQLFormattedError[]; dataIsNull: boolean } {
  const walk: Walk = {
    schema,
    fragments,
    errors: [],
    denied: (type, field) => isDenied(policy, principal, type, field),
  };
  const root = schema.getRootType(operation.operation);
  const dataIsNull = root ? checkObject(walk, data, root, [operation.selectionSet], []) : false;
  return { errors: walk.errors, dataIsNull };
}
