import {
  getVariableValues,
  type DocumentNode,
  type GraphQLError,
  type GraphQLFormattedError,
  type GraphQLSchema,
  type ValidationRule,
  type VariableDefinitionNode,
} from 'graphql';
import { createHash } from 'node:crypto';
import { MapperKind, mapSchema } from '@graphql-tools/utils';
import { resolvers as scalarResolvers } from 'graphql-scalars';
import {
  SavedQueryConflictError,
  type SavedQueryHead,
  type SavedQueryRepository,
  type SavedQueryVersion,
} from '../../store/saved-queries.repository';
import { badUserInput, conflict, forbidden, quoteInput, savedQueryInvalid, savedQueryNotFound } from '../errors';
import type { Principal } from '../principal';
import {
  createDocumentChecker,
  locationsOf,
  reservedVariableProblems,
  type DocumentCheck,
  type RunnableDocument,
} from './document';

/** What a GraphQL execution of a saved query's document answers (errors already formatted for clients). */
export interface RunResult {
  data?: Record<string, unknown> | null;
  errors?: ReadonlyArray<GraphQLFormattedError>;
}

/** Runs a document as `principal` through the whole request pipeline (policy, budgets, deadline). */
export type DocumentRunner = (
  request: { document: string; variables: Record<string, unknown>; bulk?: boolean },
  principal: Principal,
) => Promise<RunResult>;

/** How `SavedQueries.run` runs a prepared version. */
export interface RunOptions {
  /** Instead of the ones it was prepared with. */
  variables?: Record<string, unknown>;
  /** The same operation, edited to page (see `RowPlan`), instead of its own document. */
  document?: string;
  /** One page of an export: see `RequestContext.bulk`. */
  bulk?: boolean;
}

/** What the saved queries are built over. */
export interface SavedQueriesOptions {
  repository: SavedQueryRepository;
  /** The graph requests are validated against now (a reload changes it). */
  schema: () => GraphQLSchema;
  run: DocumentRunner;
  /** The hub's budgets (depth, cost...) as validation rules: a saved query over them is refused at save. */
  rules?: readonly ValidationRule[];
  /** The longest document accepted (`limits.documentCharacters`). */
  maxDocumentCharacters?: number;
  /**
   * The hub's cost budget, judged with the document's default variables (cost depends on the
   * page sizes a run gives, so it is not a validation rule): the error when over it, else null.
   */
  judgeCost?: (schema: GraphQLSchema, document: DocumentNode) => GraphQLError | null;
  now?: () => Date;
}

/** What a save is given. */
export interface SaveRequest {
  name: string;
  description: string;
  document: string;
  tags?: readonly string[] | null;
}

/** A version ready to run: the stored version and its document checked against the graph served now. */
export interface PreparedRun {
  query: SavedQueryVersion;
  runnable: RunnableDocument;
  /** The variables as given (JSON values), checked against their declared types. */
  variables: Record<string, unknown>;
}

const NAME = /^[a-z][a-z0-9-]{1,63}$/;
const TAG = /^[a-z0-9][a-z0-9-]{0,31}$/;
const MAX_TAGS = 20;
const MAX_DESCRIPTION = 2_000;

/** The roles that may change a saved query someone else owns. */
const mayChangeAnyQuery = (principal: Principal) => principal.roles.has('admin');

/** Why a saved query does not run, in one sentence, for the problems listed beside it. */
function invalid(name: string, check: Extract<DocumentCheck, { ok: false }>, when: 'save' | 'run') {
  const first = check.problems[0];
  const where = first.locations[0] ? ` (line ${first.locations[0].line}, column ${first.locations[0].column})` : '';
  const lead =
    when === 'save'
      ? `Saved query "${name}" was not saved: its document does not run against this hub's graph`
      : `Saved query "${name}" no longer runs against this hub's graph (it is BROKEN)`;
  return savedQueryInvalid(`${lead}: ${first.message}${where}`, check.problems);
}

/**
 * Saved queries as the GraphQL fields, the HTTP export and the CLI use them: listing with each
 * one's status against the graph served now, saving (checked, versioned, owned), deleting, and
 * preparing and running a version with the caller's own roles.
 */
export class SavedQueries {
  private readonly check: (schema: GraphQLSchema, text: string) => DocumentCheck;

  private readonly strict = new WeakMap<GraphQLSchema, GraphQLSchema>();

  constructor(private readonly options: SavedQueriesOptions) {
    this.check = createDocumentChecker(options.rules ?? []);
  }

  /**
   * The graph served now with its custom scalars able to parse: the stitched gateway passes a
   * `DateTimeISO` through untouched (its subschema parses it), so variables are checked against
   * graphql-scalars' own implementation of each scalar it knows by name.
   */
  private strictSchema(): GraphQLSchema {
    const schema = this.options.schema();
    let strict = this.strict.get(schema);
    if (!strict) {
      strict = mapSchema(schema, {
        [MapperKind.SCALAR_TYPE]: (type) => scalarResolvers[type.name] ?? type,
      });
      this.strict.set(schema, strict);
    }
    return strict;
  }

  /** The latest version of each saved query, filtered as `SavedQueryRepository.list` does. */
  list(filter: { search?: string | null; tag?: string | null }): Promise<SavedQueryHead[]> {
    return this.options.repository.list(filter);
  }

  /**
   * One version (the latest when `version` is absent); null when no query has the name. A
   * version the query does not have is an error that says which versions it has.
   */
  async find(name: string, version?: number | null): Promise<SavedQueryVersion | null> {
    const found = await this.options.repository.find(name, version);
    if (found || version === undefined || version === null) return found;
    const latest = await this.options.repository.find(name);
    if (!latest) return null;
    throw savedQueryNotFound(
      `Saved query "${name}" has no version ${version}; its versions are 1 to ${latest.version}`,
    );
  }

  /** Every version of a query, newest first. */
  history(name: string): Promise<SavedQueryVersion[]> {
    return this.options.repository.history(name);
  }

  /** The document's check against the graph served now (memoised per graph). */
  status(query: Pick<SavedQueryVersion, 'document'>): DocumentCheck {
    return this.check(this.options.schema(), query.document);
  }

  /** The document of a saved version with this SHA-256, for trusted-document look-ups. */
  documentByHash(hash: string): Promise<string | null> {
    return this.options.repository.documentByHash(hash);
  }

  /**
   * Saves `request` as a new query or the next version of one, after checking every part of it;
   * a refusal stores nothing. Only the owner of an existing query, or an admin, saves over it.
   */
  async save(request: SaveRequest, principal: Principal): Promise<SavedQueryVersion> {
    const { name, description, document } = request;
    const tags = [...new Set(request.tags ?? [])];
    if (!NAME.test(name))
      throw badUserInput(
        `A saved query's name is 2 to 64 lower case letters, digits and dashes, starting with a letter; got ${quoteInput(name)}`,
        'name',
      );
    if (description.trim() === '' || description.length > MAX_DESCRIPTION)
      throw badUserInput(`A saved query needs a description of 1 to ${MAX_DESCRIPTION} characters`, 'description');
    const badTag = tags.find((tag) => !TAG.test(tag));
    if (badTag !== undefined)
      throw badUserInput(`A tag is 1 to 32 lower case letters, digits and dashes; got ${quoteInput(badTag)}`, 'tags');
    if (tags.length > MAX_TAGS) throw badUserInput(`A saved query has at most ${MAX_TAGS} tags`, 'tags');
    const max = this.options.maxDocumentCharacters;
    if (max !== undefined && document.length > max)
      throw badUserInput(`The document is longer than ${max} characters (limits.documentCharacters)`, 'document');
    const check = this.status({ document });
    if (!check.ok) throw invalid(name, check, 'save');
    const tooCostly = this.options.judgeCost?.(this.options.schema(), check.document);
    if (tooCostly)
      throw savedQueryInvalid(
        `Saved query "${name}" was not saved: at its default page sizes, ${tooCostly.message.charAt(0).toLowerCase()}${tooCostly.message.slice(1)}`,
        [
          {
            message: tooCostly.message,
            locations: locationsOf(check.operation),
          },
        ],
      );
    const reserved = reservedVariableProblems(check.operation);
    if (reserved.length > 0)
      throw savedQueryInvalid(`Saved query "${name}" was not saved: ${reserved[0].message}`, reserved);

    const existing = await this.options.repository.find(name);
    if (existing && existing.ownerId !== principal.id && !mayChangeAnyQuery(principal))
      throw forbidden(
        `Saved query "${name}" belongs to ${existing.owner}: only they or an admin may save a new version`,
      );
    try {
      return await this.options.repository.save(
        {
          name,
          description,
          document,
          hash: createHash('sha256').update(document).digest('hex'),
          variables: check.variables,
          tags,
        },
        { id: principal.id, name: principal.name },
        this.options.now?.() ?? new Date(),
        existing,
      );
    } catch (error) {
      if (error instanceof SavedQueryConflictError) throw conflict(error.message);
      throw error;
    }
  }

  /** Deletes a query and all its versions, as its owner or an admin. */
  async delete(name: string, principal: Principal): Promise<void> {
    // A query still listed whose versions a delete that stopped half-way removed is one to delete.
    const existing = (await this.options.repository.find(name)) ?? (await this.options.repository.head(name));
    if (!existing) throw savedQueryNotFound(`No saved query is named ${quoteInput(name)}`);
    if (existing.ownerId !== principal.id && !mayChangeAnyQuery(principal))
      throw forbidden(`Saved query "${name}" belongs to ${existing.owner}: only they or an admin may delete it`);
    await this.options.repository.delete(name);
  }

  /**
   * The version to run and its variables, checked: an unknown name or version, a document the
   * graph no longer runs, and a missing or mistyped variable (named) are errors, before any run.
   * `found` is that version when the caller has read it already (null: there is none).
   */
  async prepare(
    name: string,
    version: number | null | undefined,
    variables: Record<string, unknown>,
    found?: SavedQueryVersion | null,
  ) {
    const query = found === undefined ? await this.find(name, version) : found;
    if (!query) throw savedQueryNotFound(`No saved query is named ${quoteInput(name)}`);
    const runnable = this.status(query);
    if (!runnable.ok) throw invalid(name, runnable, 'run');
    const declared = new Set(query.variables.map((variable) => variable.name));
    const unknown = Object.keys(variables).find((key) => !declared.has(key));
    if (unknown !== undefined)
      throw badUserInput(
        `Saved query "${name}" declares no variable ${quoteInput(unknown)}` +
          (declared.size > 0 ? `; it declares ${[...declared].join(', ')}` : '; it declares none'),
        unknown,
      );
    checkVariables(this.strictSchema(), runnable.operation.variableDefinitions ?? [], variables);
    return { query, runnable, variables } satisfies PreparedRun;
  }

  /** Runs a prepared version as `principal` (see `RunOptions`). */
  run(prepared: PreparedRun, principal: Principal, options: RunOptions = {}): Promise<RunResult> {
    return this.options.run(
      {
        document: options.document ?? prepared.query.document,
        variables: options.variables ?? prepared.variables,
        bulk: options.bulk,
      },
      principal,
    );
  }
}

/** Throws BAD_USER_INPUT naming the first variable GraphQL's own coercion refuses. */
function checkVariables(
  schema: GraphQLSchema,
  definitions: readonly VariableDefinitionNode[],
  variables: Record<string, unknown>,
): void {
  const outcome = getVariableValues(schema, definitions, variables, { maxErrors: 1 });
  if (!outcome.errors) return;
  const [error] = outcome.errors;
  const named = /Variable "\$([^"]+)"/.exec(error.message)?.[1];
  throw badUserInput(error.message, named);
}
