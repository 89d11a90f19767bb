import type { ApolloServerPlugin } from '@apollo/server';
import {
  Kind,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import type { RequestContext } from '../runtime';
import { forbidDenied } from '../auth/field-errors';
import { guardDocument } from '../auth/field-guard';
import type { AccessPolicy } from '../auth/policy';
import type { Principal } from '../../schema/principal';

/**
 * Options of `ApolloServerPluginFieldPolicy`: one policy and the schema it was loaded against, or
 * (where the schema can be swapped while serving) the policy loaded against each schema, judged
 * by the schema a request was validated against.
 */
export type FieldPolicyOptions =
  | { policy: AccessPolicy; schema: GraphQLSchema }
  | {
      /** The policy loaded against `schema`; undefined denies every field (a schema no policy was loaded for). */
      policyFor: (schema: GraphQLSchema) => AccessPolicy | undefined;
    };

/** Denies everything: what a request on a schema with no policy gets. */
const DENY_ALL: AccessPolicy = {
  allows: (_roles, _type, field) => field === '__typename',
  rolesFor: () => new Set(),
};

/** Role sets remembered per document; past this a document is guarded afresh every time. */
const MAX_ROLE_SETS_PER_DOCUMENT = 32;

/**
 * `guardDocument`, remembered per policy, schema, document (Apollo hands every request of the
 * same text the same parsed document) and set of roles: a policy is given the caller's roles,
 * never the caller (`AccessPolicy.allows`), so every agent screen-popping with the same roles gets
 * the same guarded document, computed once.
 */
class GuardedDocuments {
  private readonly byPolicy = new WeakMap<
    AccessPolicy,
    WeakMap<GraphQLSchema, WeakMap<DocumentNode, Map<string, DocumentNode | null>>>
  >();

  guard(
    document: DocumentNode,
    schema: GraphQLSchema,
    policy: AccessPolicy,
    principal: Principal,
  ): DocumentNode | null {
    let schemas = this.byPolicy.get(policy);
    if (!schemas) this.byPolicy.set(policy, (schemas = new WeakMap()));
    let documents = schemas.get(schema);
    if (!documents) schemas.set(schema, (documents = new WeakMap()));
    let byRoles = documents.get(document);
    if (!byRoles) documents.set(document, (byRoles = new Map<string, DocumentNode | null>()));
    const roles = [...principal.roles].sort().join('\n');
    const known = byRoles.get(roles);
    if (known !== undefined) return known;
    const guarded = guardDocument(document, schema, policy, principal);
    if (byRoles.size < MAX_ROLE_SETS_PER_DOCUMENT) byRoles.set(roles, guarded);
    return guarded;
  }
}

/**
 * Enforces the access policy on every operation, before it executes: a field the caller's roles
 * may not read is cut from the operation (so it costs no upstream request) and answers null with
 * a FORBIDDEN error at its exact path; the rest of the query answers as usual. Fields reached
 * through named or inline fragments, through interfaces and unions (judged by each object's
 * concrete type) and through lists of lists are guarded alike. Mutations are fields of Mutation,
 * so a denied mutation never runs.
 */
export function ApolloServerPluginFieldPolicy(options: FieldPolicyOptions): ApolloServerPlugin<RequestContext> {
  const judge = (requested: GraphQLSchema): { policy: AccessPolicy; schema: GraphQLSchema } =>
    'policyFor' in options
      ? { policy: options.policyFor(requested) ?? DENY_ALL, schema: requested }
      : { policy: options.policy, schema: options.schema };
  const guarded = new GuardedDocuments();
  return {
    async requestDidStart(requestContext) {
      const { policy, schema } = judge(requestContext.schema);
      // The operation as the caller wrote it, when something in it is denied: the response is
      // checked against that, not against the guarded copy that ran.
      let written: { operation: OperationDefinitionNode; fragments: Map<string, FragmentDefinitionNode> } | null = null;
      return {
        async didResolveOperation(requestContext) {
          const { document, operation, contextValue } = requestContext;
          if (!operation) return;
          const guardedDocument = guarded.guard(document, schema, policy, contextValue.principal);
          if (!guardedDocument) return;
          const fragments = new Map(
            document.definitions
              .filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION)
              .map((d) => [d.name.value, d]),
          );
          written = { operation, fragments };
          // Apollo executes `requestContext.document` as it stands after this hook.
          (requestContext as { document: DocumentNode }).document = guardedDocument;
        },
        async willSendResponse({ response, contextValue }) {
          if (!written || response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          if (!result.data) return;
          const { operation, fragments } = written;
          const { errors, dataIsNull } = forbidDenied(
            result.data,
            operation,
            fragments,
            schema,
            policy,
            contextValue.principal,
          );
          // GraphQL: `errors`, when present, is never empty (a skipped field made no error).
          if (errors.length > 0) result.errors = [...(result.errors ?? []), ...errors];
          // A non-null root field that may not be read leaves no data at all, as GraphQL says.
          if (dataIsNull) (result as { data: unknown }).data = null;
        },
      };
    },
  };
}
