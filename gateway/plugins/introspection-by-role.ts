import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, visit, type DocumentNode } from 'graphql';
import type { RequestContext } from '../runtime';
import type { Principal } from '../../schema/principal';

/** Options of `ApolloServerPluginIntrospectionByRole`. */
export interface IntrospectionByRoleOptions {
  /** Whether the rule applies (default true); the hub turns it on in production mode only. */
  enabled?: boolean;
  /** Who may introspect and see field suggestions (default: `integrator`, `admin`). */
  mayIntrospect?: (principal: Principal) => boolean;
}

const byRole = (principal: Principal): boolean => principal.roles.has('integrator') || principal.roles.has('admin');

function introspects(document: DocumentNode): boolean {
  let found = false;
  visit(document, {
    Field(node) {
      if (node.name.value === '__schema' || node.name.value === '__type') found = true;
    },
  });
  return found;
}

/**
 * In production the schema is for the people who build against it: introspection (`__schema`,
 * `__type`) and validation's "Did you mean ...?" suggestions are for integrators and admins
 * only. Everyone else gets FORBIDDEN for introspection, and validation errors without the hint,
 * so the graph cannot be mapped by guessing.
 */
export function ApolloServerPluginIntrospectionByRole(
  options: IntrospectionByRoleOptions = {},
): ApolloServerPlugin<RequestContext> {
  const may = options.mayIntrospect ?? byRole;
  if (options.enabled === false) return {};
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, contextValue }) {
          if (!may(contextValue.principal) && introspects(document)) {
            throw new GraphQLError('Introspection is for the integrator and admin roles', {
              extensions: { code: 'FORBIDDEN', http: { status: 403 } },
            });
          }
        },
        async willSendResponse({ response, contextValue }) {
          if (response.body.kind !== 'single' || may(contextValue.principal)) return;
          const result = response.body.singleResult;
          if (!result.errors) return;
          result.errors = result.errors.map((error) => ({
            ...error,
            message: error.message.replace(/ Did you mean .*\?$/, ''),
          }));
        },
      };
    },
  };
}
