import { defaultFieldResolver, type GraphQLFieldResolver, type GraphQLResolveInfo } from 'graphql';
import { isPromise } from '@graphql-tools/utils';

/** What `wrapResolver` does with a field's answer: its value (default: as is) and its error. */
export interface ResolvedHandlers {
  value?: (value: unknown, info: GraphQLResolveInfo) => unknown;
  /** What to throw instead of `error`. */
  error: (error: unknown, info: GraphQLResolveInfo) => unknown;
}

/**
 * `resolve` (graphql-js's default when absent) with its value and its error, thrown or rejected,
 * passed through `handlers`. A field that answers synchronously still does: only a promise gets a
 * `then`, so wrapping every field of a page costs no promise per field.
 */
export function wrapResolver(
  resolve: GraphQLFieldResolver<unknown, unknown> | undefined,
  handlers: ResolvedHandlers,
): GraphQLFieldResolver<unknown, unknown> {
  const inner = resolve ?? defaultFieldResolver;
  const onValue = handlers.value;
  return (source, args, context, info) => {
    let value: unknown;
    try {
      value = inner(source, args, context, info);
    } catch (error) {
      throw handlers.error(error, info);
    }
    if (!isPromise(value)) return onValue ? onValue(value, info) : value;
    return value.then(onValue ? (resolved: unknown) => onValue(resolved, info) : undefined, (error: unknown) => {
      throw handlers.error(error, info);
    });
  };
}
