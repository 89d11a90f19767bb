import type { ApolloServerPlugin } from '@apollo/server';
import { costLimitRule } from '@escape.tech/graphql-armor-cost-limit';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import {
  type ASTNode,
  type DocumentNode,
  type GraphQLError,
  type GraphQLSchema,
  Kind,
  type ParseOptions,
  TypeInfo,
  type ValidationContext,
  type ValidationRule,
  validate,
  visit,
  visitWithTypeInfo,
} from 'graphql';
import type { RequestContext } from '../runtime';
import { queryTooComplex, type QueryLimit } from '../../schema/errors';

/** Options of `createQueryLimits`; the defaults are graphql-armor's own, except where noted. */
export interface QueryLimitsOptions {
  /** Most lexical tokens in a document (default 1,000). */
  tokens?: number;
  /** Deepest field nesting, introspection not counted (default 6). */
  depth?: number;
  /** Most aliases in a document (default 15). */
  aliases?: number;
  /** Most directives in a document (default 50). */
  directives?: number;
  /** Highest graphql-armor cost, with `first`/`last` variables counted at their values (default 5,000). */
  cost?: number;
  /** Most `refreshCustomer` calls in one document (default 1). */
  refreshesPerOperation?: number;
  /** Most `reloadConnectors` calls in one document (default 1). */
  reloadsPerOperation?: number;
  /** Most `runSavedQuery` calls in one document (default 1): each is a whole operation of its own. */
  savedQueryRunsPerOperation?: number;
  /**
   * Say the limit and the value found in the message (default: outside `NODE_ENV=production`).
   * In production the message names the budget but not its numbers.
   */
  exposeLimits?: boolean;
}

/** The mutation each call of which asks every department system, so it has its own budget. */
export const REFRESH_FIELD = 'refreshCustomer';

/** The mutation each call of which re-creates every connector and re-stitches the graph: its own budget too. */
export const RELOAD_FIELD = 'reloadConnectors';

/** The query field that runs a saved query: a whole operation per call, aliases or not. */
export const RUN_SAVED_QUERY_FIELD = 'runSavedQuery';

/** What Apollo Server takes from the limits: parse options, validation rules and a plugin for what needs variables. */
export interface QueryLimits {
  parseOptions: ParseOptions;
  validationRules: ValidationRule[];
  plugin: ApolloServerPlugin<RequestContext>;
  /**
   * The cost verdict of a document for these variables (page sizes not given count at their
   * defaults): null when within `cost`, else the `QUERY_TOO_COMPLEX` error a request would get.
   */
  judgeCost(schema: GraphQLSchema, document: DocumentNode, variables: Record<string, unknown>): GraphQLError | null;
}

/** The public sentence of each budget, without numbers (production). */
const QUIET: Record<QueryLimit, string> = {
  documentCharacters: 'The document is too long.',
  tokens: 'The document has too many tokens.',
  depth: 'The query is nested too deeply.',
  aliases: 'The query uses too many aliases.',
  directives: 'The query uses too many directives.',
  cost: 'The query asks for too much at once: select fewer fields or smaller pages.',
  refreshesPerOperation: `The operation calls ${REFRESH_FIELD} too many times.`,
  reloadsPerOperation: `The operation calls ${RELOAD_FIELD} too many times.`,
  savedQueryRunsPerOperation: `The operation calls ${RUN_SAVED_QUERY_FIELD} too many times.`,
};

/** The public sentence of a budget exceeded; with `found` and `max` only when limits are exposed. */
export function limitMessage(limit: QueryLimit, expose: boolean, max: number, found?: number): string {
  if (!expose) return QUIET[limit];
  return `${QUIET[limit].slice(0, -1)}: at most ${max} allowed (limits.${limit})${found === undefined ? '' : `, found ${found}`}.`;
}

/** Armor reports `Syntax Error: Query depth limit of 6 exceeded, found 7.`; only the number found is kept. */
function foundIn(error: GraphQLError): number | undefined {
  const match = /found (\d+(?:\.\d+)?)/.exec(error.message);
  return match ? Number(match[1]) : undefined;
}

function reporter(limit: QueryLimit, max: number, expose: boolean) {
  return {
    // Armor's default throws from inside validate(), which Apollo answers with a 500: report instead.
    propagateOnRejection: false,
    onReject: [
      (context: ValidationContext | null, error: GraphQLError) =>
        context?.reportError(queryTooComplex(limitMessage(limit, expose, max, foundIn(error)), limit)),
    ],
  };
}

/** At most `max` calls of the mutation `field` on the mutation root, counted over the whole document. */
function maxRootCallsRule(
  root: 'query' | 'mutation',
  field: string,
  limit: QueryLimit,
  max: number,
  expose: boolean,
): ValidationRule {
  return (context) => {
    let count = 0;
    return {
      Field(node) {
        const schema = context.getSchema();
        const rootType = root === 'mutation' ? schema.getMutationType() : schema.getQueryType();
        if (node.name.value !== field || context.getParentType() !== rootType) return;
        count += 1;
        if (count === max + 1) context.reportError(queryTooComplex(limitMessage(limit, expose, max, undefined), limit));
      },
    };
  };
}

/** The variables a document passes as `first:` or `last:`: the only ones its cost depends on. */
function pageSizeVariables(document: DocumentNode): string[] {
  const names = new Set<string>();
  visit(document, {
    Argument(node) {
      if ((node.name.value === 'first' || node.name.value === 'last') && node.value.kind === Kind.VARIABLE)
        names.add(node.value.name.value);
    },
  });
  return [...names];
}

/**
 * The document with every `first:`/`last:` variable replaced by its value, so Armor's cost rule,
 * which multiplies only by literals, cannot be dodged with `customers(first: $n)`. A variable not
 * given counts at its own default, else at the argument's default in the schema (what a run
 * without it gets: `customers` takes 20).
 */
function inlinePageSizes(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown>,
): DocumentNode {
  const defaults = new Map<string, unknown>();
  visit(document, {
    VariableDefinition(node) {
      if (node.defaultValue?.kind === Kind.INT) defaults.set(node.variable.name.value, node.defaultValue.value);
    },
  });
  const typeInfo = new TypeInfo(schema);
  return visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Argument(node): ASTNode | undefined {
        if ((node.name.value !== 'first' && node.name.value !== 'last') || node.value.kind !== Kind.VARIABLE)
          return undefined;
        const name = node.value.name.value;
        const value = variables[name] ?? defaults.get(name) ?? typeInfo.getArgument()?.defaultValue;
        const int = Number(value);
        if (value === undefined || value === null || !Number.isInteger(int)) return undefined;
        return { ...node, value: { kind: Kind.INT, value: String(int) } };
      },
    }),
  );
}

/** What is known of one document: which variables its cost reads, and the values it was let through with. */
interface DocumentVerdicts {
  pageSizeVariables: string[];
  passed: Set<string>;
}

/** Page-size combinations remembered per document; past this a document is judged afresh every time. */
const MAX_VERDICTS_PER_DOCUMENT = 64;

/**
 * The cost verdict of a document for a request's variables. A pass is remembered per schema and
 * document (Apollo hands every request of the same text the same parsed document) and per values
 * of the variables the cost depends on (`first:`/`last:`; validation sees no other): a screen
 * pop repeated with another phone number costs the same, and is judged once. A refusal is judged
 * afresh each time, so every refused request gets its own error.
 */
class CostVerdicts {
  private readonly bySchema = new WeakMap<GraphQLSchema, WeakMap<DocumentNode, DocumentVerdicts>>();

  constructor(private readonly validateCost: (schema: GraphQLSchema, document: DocumentNode) => GraphQLError | null) {}

  judge(schema: GraphQLSchema, document: DocumentNode, variables: Record<string, unknown>): GraphQLError | null {
    let documents = this.bySchema.get(schema);
    if (!documents) this.bySchema.set(schema, (documents = new WeakMap()));
    let verdicts = documents.get(document);
    if (!verdicts)
      documents.set(document, (verdicts = { pageSizeVariables: pageSizeVariables(document), passed: new Set() }));
    const key = JSON.stringify(verdicts.pageSizeVariables.map((name) => variables[name] ?? null));
    if (verdicts.passed.has(key)) return null;
    const verdict = this.validateCost(schema, inlinePageSizes(schema, document, variables));
    if (verdict === null && verdicts.passed.size < MAX_VERDICTS_PER_DOCUMENT) verdicts.passed.add(key);
    return verdict;
  }
}

/**
 * The budgets on a GraphQL document, with graphql-armor's rules: tokens at parse time (graphql-js's
 * own `maxTokens`, which stops the lexer at the first token over, so a 60 KB document is never
 * parsed whole), depth, aliases, directives and `refreshCustomer` and `reloadConnectors` calls at validation, and cost once
 * the variables are known. Every refusal is `QUERY_TOO_COMPLEX` with `extensions.limit`, before
 * any resolver runs.
 *
 * Why not Armor's own max-tokens plugin: under Apollo Server 5 it throws from `parsingDidStart`,
 * which Apollo answers with a 500, and it parses every accepted document a second time.
 */
export function createQueryLimits(options: QueryLimitsOptions = {}): QueryLimits {
  const expose = options.exposeLimits ?? process.env.NODE_ENV !== 'production';
  const depth = options.depth ?? 6;
  const aliases = options.aliases ?? 15;
  const directives = options.directives ?? 50;
  const cost = options.cost ?? 5_000;
  const refreshes = options.refreshesPerOperation ?? 1;
  const reloads = options.reloadsPerOperation ?? 1;
  const savedQueryRuns = options.savedQueryRunsPerOperation ?? 1;
  const costRule = costLimitRule({ maxCost: cost, ...reporter('cost', cost, expose) });
  const costVerdicts = new CostVerdicts((schema, document) => validate(schema, document, [costRule])[0] ?? null);
  return {
    judgeCost: (schema, document, variables) => costVerdicts.judge(schema, document, variables),
    parseOptions: { maxTokens: options.tokens ?? 1_000 },
    validationRules: [
      // Depth counts fields only: clients (Apollo Client, Relay) wrap every level in fragments, and
      // a fragment adds no work. Cycles through fragments are invalid GraphQL anyway.
      maxDepthRule({ n: depth, flattenFragments: true, ...reporter('depth', depth, expose) }),
      maxAliasesRule({ n: aliases, ...reporter('aliases', aliases, expose) }),
      maxDirectivesRule({ n: directives, ...reporter('directives', directives, expose) }),
      maxRootCallsRule('mutation', REFRESH_FIELD, 'refreshesPerOperation', refreshes, expose),
      maxRootCallsRule('mutation', RELOAD_FIELD, 'reloadsPerOperation', reloads, expose),
      maxRootCallsRule('query', RUN_SAVED_QUERY_FIELD, 'savedQueryRunsPerOperation', savedQueryRuns, expose),
    ],
    plugin: {
      async requestDidStart() {
        return {
          async didResolveOperation({ document, request, schema }) {
            const error = costVerdicts.judge(schema, document, request.variables ?? {});
            // Apollo answers an error thrown here as it is (code and HTTP status), before execution.
            if (error) throw error;
          },
        };
      },
    },
  };
}
