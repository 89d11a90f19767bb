import type { ApolloServerPlugin } from '@apollo/server';
import {
  getNamedType,
  getNullableType,
  isCompositeType,
  isNonNullType,
  isObjectType,
  Kind,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLFormattedError,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import type { RequestContext } from '../../connectors/kit';
import type { Principal } from '../../schema/principal';
import type { AccessPolicy } from '../auth/policy';

/** Options of `ApolloServerPluginFieldPolicy`. */
export interface FieldPolicyOptions {
  policy: AccessPolicy;
  schema: GraphQLSchema;
}

/** One place in the response a denied field would have filled. */
interface DeniedSite {
  /** Response keys from the root to the field (aliases where given). */
  keys: string[];
  /** For each key, whether its field is non-null: a null there bubbles up to the next nullable one. */
  nonNull: boolean[];
  message: string;
}

type Data = Record<string, unknown>;

const isDenied = (policy: AccessPolicy, principal: Principal, parent: string, field: string): boolean =>
  !field.startsWith('__') && !policy.allows(principal, parent, field);

/**
 * The operation with every field the caller may not read replaced by `<responseKey>: __typename`:
 * nothing below it runs and no system is asked, while the response keeps its shape. (The AST is
 * shared with Apollo's document cache, so it is copied, never changed in place.)
 */
function withoutDenied(document: DocumentNode, schema: GraphQLSchema, policy: AccessPolicy, principal: Principal) {
  const typeInfo = new TypeInfo(schema);
  return visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field(node) {
        const parent = typeInfo.getParentType();
        if (!parent || !isDenied(policy, principal, parent.name, node.name.value)) return undefined;
        const replacement: FieldNode = {
          kind: Kind.FIELD,
          alias: { kind: Kind.NAME, value: node.alias?.value ?? node.name.value },
          name: { kind: Kind.NAME, value: '__typename' },
          // @skip and @include still decide whether the field is there at all (and so whether
          // it is reported): a field the caller skipped is no error.
          directives: node.directives,
        };
        return replacement;
      },
    }),
  );
}

/** Every place in the operation's response where a denied field stands, through fragments. */
function deniedSites(
  operation: OperationDefinitionNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  schema: GraphQLSchema,
  policy: AccessPolicy,
  principal: Principal,
): DeniedSite[] {
  const sites: DeniedSite[] = [];
  const walk = (
    set: SelectionSetNode,
    type: GraphQLCompositeType,
    keys: string[],
    nonNull: boolean[],
    seen: Set<string>,
  ) => {
    for (const selection of set.selections) {
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        const condition = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : type;
        if (condition && isCompositeType(condition)) walk(selection.selectionSet, condition, keys, nonNull, seen);
      } else if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = fragments.get(selection.name.value);
        const condition = fragment && schema.getType(fragment.typeCondition.name.value);
        if (fragment && condition && isCompositeType(condition) && !seen.has(fragment.name.value)) {
          walk(fragment.selectionSet, condition, keys, nonNull, new Set([...seen, fragment.name.value]));
        }
      } else {
        const name = selection.name.value;
        if (name.startsWith('__') || !isObjectType(type)) continue;
        const field = type.getFields()[name];
        if (!field) continue;
        const key = selection.alias?.value ?? name;
        const here = [...keys, key];
        const strict = [...nonNull, isNonNullType(field.type)];
        if (isDenied(policy, principal, type.name, name)) {
          sites.push({ keys: here, nonNull: strict, message: `Your roles may not read ${type.name}.${name}` });
        } else if (selection.selectionSet) {
          const inner = getNamedType(getNullableType(field.type));
          if (isCompositeType(inner)) walk(selection.selectionSet, inner, here, strict, seen);
        }
      }
    }
  };
  const root = schema.getRootType(operation.operation);
  if (root) walk(operation.selectionSet, root, [], [], new Set());
  return sites;
}

/** Where a null goes: a key of an object in the response, or the whole of `data`. */
type NullTarget = [Data, string] | 'data';

/**
 * Finds every concrete place of a denied site (each list item its own path), adding a FORBIDDEN
 * error for each and the place its null goes: a non-null field's null bubbles up to the nearest
 * nullable field, as GraphQL says. Nothing is changed yet, so every denied field of an object is
 * reported even when one of them nulls the object.
 */
function locate(data: Data, site: DeniedSite, errors: GraphQLFormattedError[], nulls: NullTarget[]): void {
  const visitLevel = (parent: Data, depth: number, path: Array<string | number>, holders: Array<[Data, string]>) => {
    const key = site.keys[depth];
    if (!(key in parent)) return;
    const here = [...path, key];
    const chain: Array<[Data, string]> = [...holders, [parent, key]];
    if (depth === site.keys.length - 1) {
      errors.push({ message: site.message, path: here, extensions: { code: 'FORBIDDEN' } });
      let level = depth;
      while (site.nonNull[level] && level > 0) level -= 1;
      nulls.push(level === 0 && site.nonNull[0] ? 'data' : chain[level]);
      return;
    }
    const value = parent[key];
    const descend = (item: unknown, itemPath: Array<string | number>) => {
      if (item !== null && typeof item === 'object') visitLevel(item as Data, depth + 1, itemPath, chain);
    };
    if (Array.isArray(value)) value.forEach((item, index) => descend(item, [...here, index]));
    else descend(value, here);
  };
  visitLevel(data, 0, [], []);
}

/**
 * Enforces the access policy on every operation, before it executes: a field the caller's roles
 * may not read is cut from the operation (so it costs no upstream request) and answers null with
 * a FORBIDDEN error at its exact path; the rest of the query answers as usual. Mutations are
 * fields of Mutation, so a denied mutation never runs.
 */
export function ApolloServerPluginFieldPolicy(options: FieldPolicyOptions): ApolloServerPlugin<RequestContext> {
  const { policy, schema } = options;
  return {
    async requestDidStart() {
      let sites: DeniedSite[] = [];
      return {
        async didResolveOperation(requestContext) {
          const { document, operation, contextValue } = requestContext;
          if (!operation) return;
          const fragments = new Map(
            document.definitions
              .filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION)
              .map((d) => [d.name.value, d]),
          );
          sites = deniedSites(operation, fragments, schema, policy, contextValue.principal);
          if (sites.length === 0) return;
          // Apollo executes `requestContext.document` as it stands after this hook.
          (requestContext as { document: DocumentNode }).document = withoutDenied(
            document,
            schema,
            policy,
            contextValue.principal,
          );
        },
        async willSendResponse({ response }) {
          if (sites.length === 0 || response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          if (!result.data) return;
          const errors: GraphQLFormattedError[] = [];
          const nulls: NullTarget[] = [];
          for (const site of sites) locate(result.data, site, errors, nulls);
          // GraphQL: `errors`, when present, is never empty (a skipped field made no error).
          if (errors.length > 0) result.errors = [...(result.errors ?? []), ...errors];
          for (const target of nulls) if (target !== 'data') target[0][target[1]] = null;
          // A non-null root field that may not be read leaves no data at all, as GraphQL says.
          if (nulls.includes('data')) (result as { data: unknown }).data = null;
        },
      };
    },
  };
}
