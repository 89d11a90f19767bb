import {
  type GraphQLError,
  Kind,
  OperationTypeNode,
  parse,
  print,
  specifiedRules,
  validate,
  valueFromASTUntyped,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type FieldNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type ValidationRule,
} from 'graphql';
import type { SavedQueryVariable } from '../../store/saved-queries.repository';

/** One reason a document does not run, with where it is in the text (1-based lines and columns). */
export interface DocumentProblem {
  message: string;
  locations: Array<{ line: number; column: number }>;
}

/** A document that runs against the schema: its operation and the variables it declares. */
export interface RunnableDocument {
  ok: true;
  document: DocumentNode;
  operation: OperationDefinitionNode;
  variables: SavedQueryVariable[];
}

/** The outcome of checking a saved query's document against a schema. */
export type DocumentCheck = RunnableDocument | { ok: false; problems: DocumentProblem[] };

function problemOf(error: GraphQLError): DocumentProblem {
  return { message: error.message, locations: (error.locations ?? []).map(({ line, column }) => ({ line, column })) };
}

/** Where `node` is, as a problem's locations. */
export function locationsOf(node: {
  loc?: { startToken: { line: number; column: number } };
}): DocumentProblem['locations'] {
  return node.loc ? [{ line: node.loc.startToken.line, column: node.loc.startToken.column }] : [];
}

/** The root fields that read or run saved queries. */
const SAVED_QUERY_FIELDS = new Set(['savedQueries', 'savedQuery', 'runSavedQuery']);

/** Where a document selects a saved-query field of `Query` (fragments included). */
function savedQueryFields(schema: GraphQLSchema, document: DocumentNode): FieldNode[] {
  const found: FieldNode[] = [];
  const typeInfo = new TypeInfo(schema);
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field(node) {
        if (SAVED_QUERY_FIELDS.has(node.name.value) && typeInfo.getParentType() === schema.getQueryType())
          found.push(node);
      },
    }),
  );
  return found;
}

/**
 * The query-string parameters `GET /queries/<name>` reads for itself; every other one is a
 * variable, so a saved query may not declare a variable by one of these names.
 */
export const EXPORT_PARAMETERS: readonly string[] = ['format', 'version', 'bom', 'limit'];

/**
 * A variable the export could never be given, its name being one of the export's own
 * parameters: refused when a query is saved (a version stored before the rule still runs).
 */
export function reservedVariableProblems(operation: OperationDefinitionNode): DocumentProblem[] {
  return (operation.variableDefinitions ?? [])
    .filter((definition) => EXPORT_PARAMETERS.includes(definition.variable.name.value))
    .map((definition) => ({
      message:
        `A saved query cannot declare $${definition.variable.name.value}: ` +
        `${EXPORT_PARAMETERS.join(', ')} are the export's own parameters (GET /queries/<name>)`,
      locations: locationsOf(definition),
    }));
}

/** The variables an operation declares, with their defaults coerced by their types. */
function declaredVariables(operation: OperationDefinitionNode): SavedQueryVariable[] {
  return (operation.variableDefinitions ?? []).map((definition) => {
    const hasDefault = definition.defaultValue !== undefined;
    // As JSON, the way a run gives it (an enum by its name): validation has checked it fits the type.
    const defaultValue = definition.defaultValue ? valueFromASTUntyped(definition.defaultValue) : null;
    return {
      name: definition.variable.name.value,
      type: print(definition.type),
      defaultValue,
      hasDefault,
      required: definition.type.kind === Kind.NON_NULL_TYPE && !hasDefault,
    };
  });
}

/**
 * Checks a saved query's text: it parses, holds exactly one operation, which is a query (a
 * saved query reads; it never changes a system), and validates against `schema` with GraphQL's
 * rules and `rules` (the hub's budgets). Every problem comes with its place in the text.
 */
export function checkSavedDocument(
  schema: GraphQLSchema,
  text: string,
  rules: readonly ValidationRule[] = [],
): DocumentCheck {
  let document: DocumentNode;
  try {
    document = parse(text);
  } catch (error) {
    return { ok: false, problems: [problemOf(error as GraphQLError)] };
  }
  const operations = document.definitions.filter(
    (definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION,
  );
  if (operations.length !== 1)
    return {
      ok: false,
      problems: [
        {
          message: `A saved query holds exactly one operation; this document holds ${operations.length}`,
          locations: operations.flatMap(locationsOf),
        },
      ],
    };
  const [operation] = operations;
  if (operation.operation !== OperationTypeNode.QUERY)
    return {
      ok: false,
      problems: [
        {
          message: `A saved query is a query; this document's operation is a ${operation.operation}`,
          locations: locationsOf(operation),
        },
      ],
    };
  const errors = validate(schema, document, [...specifiedRules, ...rules]);
  if (errors.length > 0) return { ok: false, problems: errors.map(problemOf) };
  const nested = savedQueryFields(schema, document);
  if (nested.length > 0)
    return {
      ok: false,
      problems: nested.map((field) => ({
        message: `A saved query cannot read saved queries (${field.name.value}): a run would start other runs`,
        locations: locationsOf(field),
      })),
    };
  return { ok: true, document, operation, variables: declaredVariables(operation) };
}

/**
 * A memo of checks per schema: listing shows each query as broken or not against the graph
 * served now, and a reload's new schema is a new key (the old one's entries go with it).
 */
export function createDocumentChecker(
  rules: readonly ValidationRule[] = [],
): (schema: GraphQLSchema, text: string) => DocumentCheck {
  const bySchema = new WeakMap<GraphQLSchema, Map<string, DocumentCheck>>();
  return (schema, text) => {
    let checks = bySchema.get(schema);
    if (!checks) bySchema.set(schema, (checks = new Map<string, DocumentCheck>()));
    let check = checks.get(text);
    if (!check) {
      check = checkSavedDocument(schema, text, rules);
      // Bounded: the distinct texts of saved query versions asked about against one schema.
      if (checks.size >= 5_000) checks.clear();
      checks.set(text, check);
    }
    return check;
  };
}
