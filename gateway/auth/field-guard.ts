import {
  isAbstractType,
  isIntrospectionType,
  Kind,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type FieldNode,
  type GraphQLCompositeType,
  type GraphQLObjectType,
  type GraphQLSchema,
  type InlineFragmentNode,
  type SelectionNode,
  type SelectionSetNode,
} from 'graphql';
import type { Principal } from '../../schema/principal';
import type { AccessPolicy } from './policy';

/**
 * The response key under which a guarded operation asks each object of an interface or union
 * type for its `__typename`, so the response can be checked against the concrete type's rules;
 * `forbidDenied` removes it again.
 */
export const RUNTIME_TYPE_KEY = '__switchboardPolicyType';

/** True when the policy keeps `type.field` from the principal (`__typename` and introspection never). */
export const isDenied = (policy: AccessPolicy, principal: Principal, type: string, field: string): boolean =>
  !field.startsWith('__') && !policy.allows(principal.roles, type, field);

const name = (value: string) => ({ kind: Kind.NAME, value }) as const;

/** `<responseKey>: __typename`: the field's place kept, nothing below it run. */
function typenameIn(node: FieldNode): FieldNode {
  return {
    kind: Kind.FIELD,
    alias: name(node.alias?.value ?? node.name.value),
    name: name('__typename'),
    // @skip and @include still decide whether the field is there at all (and so whether it is
    // reported): a field the caller skipped is no error.
    directives: node.directives,
  };
}

const onType = (type: GraphQLObjectType, selection: SelectionNode): InlineFragmentNode => ({
  kind: Kind.INLINE_FRAGMENT,
  typeCondition: { kind: Kind.NAMED_TYPE, name: name(type.name) },
  selectionSet: { kind: Kind.SELECTION_SET, selections: [selection] },
});

/**
 * A field selected on `parent` as the caller may have it: unchanged when every type it can be at
 * run time allows it, `__typename` in its place when none does, and otherwise one inline fragment
 * per concrete type, the field on those that allow it and `__typename` on those that do not (the
 * rules are per object type, so a field of an interface is allowed or not per implementation).
 */
function guardField(
  node: FieldNode,
  parent: GraphQLCompositeType,
  schema: GraphQLSchema,
  denied: (type: string, field: string) => boolean,
): SelectionNode | undefined {
  // Introspection (`__schema`, `__type`) has a plugin of its own: the policy names no such type.
  if (isIntrospectionType(parent)) return undefined;
  const field = node.name.value;
  const types = isAbstractType(parent) ? schema.getPossibleTypes(parent) : [parent];
  const refused = types.filter((type) => denied(type.name, field));
  if (refused.length === 0) return undefined;
  if (refused.length === types.length) return typenameIn(node);
  return {
    kind: Kind.INLINE_FRAGMENT,
    selectionSet: {
      kind: Kind.SELECTION_SET,
      selections: types.map((type) => onType(type, refused.includes(type) ? typenameIn(node) : node)),
    },
  };
}

/**
 * The document with every field the principal may not read replaced by `<responseKey>:
 * __typename`, in the operations and in named and inline fragments alike: nothing below it runs
 * and no system is asked, while the response keeps its shape. Each selection on an interface or
 * union also asks for the object's type (as `RUNTIME_TYPE_KEY`). Null when nothing is denied: the
 * document runs as it is. (The AST is shared with Apollo's document cache, so it is copied, never
 * changed in place.)
 */
export function guardDocument(
  document: DocumentNode,
  schema: GraphQLSchema,
  policy: AccessPolicy,
  principal: Principal,
): DocumentNode | null {
  const typeInfo = new TypeInfo(schema);
  let changed = false;
  const denied = (type: string, field: string) => isDenied(policy, principal, type, field);
  const guarded = visit(
    document,
    visitWithTypeInfo(typeInfo, {
      SelectionSet(node): SelectionSetNode | undefined {
        const type = typeInfo.getParentType();
        if (!type || !isAbstractType(type)) return undefined;
        const runtimeType: FieldNode = { kind: Kind.FIELD, alias: name(RUNTIME_TYPE_KEY), name: name('__typename') };
        return { ...node, selections: [...node.selections, runtimeType] };
      },
      Field(node) {
        const parent = typeInfo.getParentType();
        const replacement = parent ? guardField(node, parent, schema, denied) : undefined;
        if (replacement) changed = true;
        return replacement;
      },
    }),
  );
  return changed ? guarded : null;
}
