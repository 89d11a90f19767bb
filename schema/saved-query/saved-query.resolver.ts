import { GraphQLJSONObject } from 'graphql-scalars';
import { Arg, type ClassType, Ctx, FieldResolver, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../../gateway/runtime';
import type { SavedQueryVersion } from '../../store/saved-queries.repository';
import { internalError } from '../errors';
import { pagingVariableOf } from './rows';
import type { SavedQueries } from './saved-queries';
import { DocumentProblem, SavedQuery, SavedQueryRun, SavedQueryStatus, SaveQueryInput } from './saved-query.types';

/** A stored version as the graph shows it. */
export function toSavedQuery(version: SavedQueryVersion): SavedQuery {
  return {
    name: version.name,
    version: version.version,
    description: version.description,
    document: version.document,
    documentId: `sha256:${version.hash}`,
    variables: version.variables,
    tags: version.tags,
    owner: version.owner,
    savedBy: version.savedBy,
    savedAt: version.savedAt,
    createdAt: version.createdAt,
  };
}

/**
 * The saved-query fields. `savedQueries` is read when a request comes, not when the schema is
 * built: the hub binds it once its server exists (runs go through that server's pipeline); a
 * schema built offline (`npm run schema`) has the fields but nothing to run them with.
 */
export function createSavedQueryResolver(savedQueries: () => SavedQueries | null): ClassType {
  const service = (ctx: RequestContext): SavedQueries => {
    const found = savedQueries();
    if (!found) throw internalError('Saved queries are not available in this build of the schema');
    // What they answer changes with no change notice (any hub sharing the store may save): never replayed.
    ctx.freshness.noteVolatile();
    return found;
  };

  @Resolver(() => SavedQuery)
  class SavedQueryResolver {
    @Query(() => [SavedQuery], {
      description:
        'The latest version of every saved query, by name; `search` matches a name, description or tag (any case), `tag` a tag exactly.',
    })
    async savedQueries(
      @Arg('search', () => String, { nullable: true, description: 'Text a name, description or tag contains.' })
      search: string | null,
      @Arg('tag', () => String, { nullable: true, description: 'Only queries with this tag.' }) tag: string | null,
      @Ctx() ctx: RequestContext,
    ): Promise<SavedQuery[]> {
      return (await service(ctx).list({ search, tag })).map(toSavedQuery);
    }

    @Query(() => SavedQuery, {
      nullable: true,
      description:
        'A saved query by name, in its latest version or the `version` given; null when no query has the name. ' +
        'A version it does not have is a SAVED_QUERY_NOT_FOUND error.',
    })
    async savedQuery(
      @Arg('name', { description: "The saved query's name." }) name: string,
      @Arg('version', () => Int, { nullable: true, description: 'A version number; default the latest.' })
      version: number | null,
      @Ctx() ctx: RequestContext,
    ): Promise<SavedQuery | null> {
      const found = await service(ctx).find(name, version);
      return found ? toSavedQuery(found) : null;
    }

    @Query(() => SavedQueryRun, {
      description:
        "Runs a saved query (its latest version, or `version`) with the caller's own roles: a field the policy " +
        'denies them answers null with a FORBIDDEN error, as it would in their own query. An unknown name or ' +
        'version, a BROKEN query and a missing or mistyped variable are errors of this field, before anything runs.',
    })
    async runSavedQuery(
      @Arg('name', { description: 'The saved query to run.' }) name: string,
      @Arg('variables', () => GraphQLJSONObject, {
        nullable: true,
        description: 'Its variables by name, as JSON; one not given takes its default.',
      })
      variables: Record<string, unknown> | null,
      @Arg('version', () => Int, { nullable: true, description: 'The version to run; default the latest.' })
      version: number | null,
      @Ctx() ctx: RequestContext,
    ): Promise<SavedQueryRun> {
      const queries = service(ctx);
      const prepared = await queries.prepare(name, version, variables ?? {});
      const result = await queries.run(prepared, ctx.principal);
      return {
        name,
        version: prepared.query.version,
        data: result.data ?? null,
        errors: (result.errors ?? []).map((error) => ({
          message: error.message,
          code: typeof error.extensions?.code === 'string' ? error.extensions.code : null,
          path: error.path ?? null,
        })),
      };
    }

    @Mutation(() => SavedQuery, {
      description:
        "Saves a query: new, or the next version of one its caller owns (an admin may save over anyone's). The " +
        'document is checked against the graph first; a document that does not run is a SAVED_QUERY_INVALID ' +
        'error listing every problem with its line and column, and nothing is stored.',
    })
    async saveQuery(
      @Arg('input', { description: 'The query to save.' }) input: SaveQueryInput,
      @Ctx() ctx: RequestContext,
    ): Promise<SavedQuery> {
      return toSavedQuery(await service(ctx).save(input, ctx.principal));
    }

    @Mutation(() => Boolean, {
      description:
        'Deletes a saved query with every version, as its owner or an admin; true once it is gone. An unknown ' +
        'name is a SAVED_QUERY_NOT_FOUND error.',
    })
    async deleteSavedQuery(
      @Arg('name', { description: 'The saved query to delete.' }) name: string,
      @Ctx() ctx: RequestContext,
    ): Promise<boolean> {
      await service(ctx).delete(name, ctx.principal);
      return true;
    }

    @FieldResolver(() => SavedQueryStatus, {
      description: 'Whether its document still runs against the graph served now.',
    })
    status(@Root() query: SavedQuery, @Ctx() ctx: RequestContext): SavedQueryStatus {
      return service(ctx).status(query).ok ? SavedQueryStatus.OK : SavedQueryStatus.BROKEN;
    }

    @FieldResolver(() => [DocumentProblem], {
      description: 'Why it is BROKEN: each GraphQL error with its place in the document; empty when OK.',
    })
    problems(@Root() query: SavedQuery, @Ctx() ctx: RequestContext): DocumentProblem[] {
      const check = service(ctx).status(query);
      return check.ok ? [] : check.problems;
    }

    @FieldResolver(() => String, {
      nullable: true,
      description:
        "The variable an export (and the console) fills with each next page's cursor: the `after` of its " +
        'first root list that takes one as a variable. A run need not give it; null when the query is not paged, or BROKEN.',
    })
    pagingVariable(@Root() query: SavedQuery, @Ctx() ctx: RequestContext): string | null {
      const check = service(ctx).status(query);
      return check.ok ? pagingVariableOf(check.operation) : null;
    }

    @FieldResolver(() => [SavedQuery], { description: 'Every version of it, newest first.' })
    async history(@Root() query: SavedQuery, @Ctx() ctx: RequestContext): Promise<SavedQuery[]> {
      return (await service(ctx).history(query.name)).map(toSavedQuery);
    }
  }
  return SavedQueryResolver;
}
