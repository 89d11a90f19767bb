import {
  getNamedType,
  getNullableType,
  isCompositeType,
  isListType,
  isScalarType,
  Kind,
  parse,
  print,
  visit,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';

/**
 * How a saved query's answer becomes rows, for exports (CSV, NDJSON, JSON). One rule:
 *
 * - The rows are the items of the first list field in the document, looking through objects
 *   in document order (a connection's `nodes`, or `edges` with its `node`); an answer with no
 *   list is one row.
 * - Columns come from the fields selected under a row, in document order, named by their path
 *   from the row, dots between (`accounting.balance`); an alias names its field. They are known
 *   from the document before any data arrives, so every page has the same columns.
 * - A null anywhere on a column's path is an empty cell. A list of scalars is one cell, its
 *   items joined with `; `; a list of objects inside a row, and a JSON scalar, is one cell of JSON.
 */
export interface RowPlan {
  /** Response keys from `data` to the list the rows are the items of (empty: `data` is the one row). */
  listPath: string[];
  /** Under each list item, the key of the row itself (`node` for `edges`), or null for the item. */
  itemKey: string | null;
  columns: Column[];
  /** The connection field paged by `$after`, when the query has one. */
  paging: Paging | null;
  /**
   * Other fields whose `after` is a variable (a list under a row, a second root list): an export
   * follows the pages of one root list only, so each of these gives the page its variable names.
   */
  otherPagedFields: Array<{ path: string; variable: string }>;
}

/** One column: its name and the keys from the row to its value. */
export interface Column {
  name: string;
  path: string[];
  /** The value is a list of objects or a JSON scalar: written as JSON. */
  json: boolean;
}

/** A connection field whose `after` argument is a variable: the export follows its pages. */
export interface Paging {
  /** Response key of the connection field at the root. */
  field: string;
  /** The variable its `after` is. */
  afterVariable: string;
  /** The document to run, with `pageInfo { hasNextPage endCursor }` added where it was not selected. */
  document: string;
  /**
   * The same operation with the connection's `pageInfo` only: what an export runs to learn a
   * page's next cursor without reading the page, so that it can read pages ahead.
   */
  cursorDocument: string;
  /** Whether the document selects `totalCount` on it. */
  counts: boolean;
}

const keyOf = (field: FieldNode) => field.alias?.value ?? field.name.value;

/**
 * The fields a selection set selects, fragments spread in place, each with the type it is
 * selected on. A response key selected more than once is one field, as GraphQL answers it: at
 * its first place, with the selections of every occurrence merged in document order.
 */
function fieldsOf(
  selectionSet: SelectionSetNode,
  type: GraphQLCompositeType,
  schema: GraphQLSchema,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
): Array<{ node: FieldNode; parent: GraphQLCompositeType }> {
  const out: Array<{ node: FieldNode; parent: GraphQLCompositeType }> = [];
  const byKey = new Map<string, { node: FieldNode; parent: GraphQLCompositeType }>();
  const walk = (set: SelectionSetNode, parent: GraphQLCompositeType) => {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        const first = byKey.get(keyOf(selection));
        if (!first) {
          const entry = { node: selection, parent };
          byKey.set(keyOf(selection), entry);
          out.push(entry);
        } else if (first.node.selectionSet && selection.selectionSet) {
          const selections = [...first.node.selectionSet.selections, ...selection.selectionSet.selections];
          first.node = { ...first.node, selectionSet: { ...first.node.selectionSet, selections } };
        }
      } else {
        const fragment = selection.kind === Kind.FRAGMENT_SPREAD ? fragments.get(selection.name.value) : selection;
        if (!fragment) continue;
        const condition = fragment.typeCondition ? schema.getType(fragment.typeCondition.name.value) : parent;
        walk(fragment.selectionSet, condition && isCompositeType(condition) ? condition : parent);
      }
    }
  };
  walk(selectionSet, type);
  return out;
}

/** The type a field of `parent` has, unwrapped of non-null; undefined for `__typename` and unknown fields. */
function fieldType(parent: GraphQLCompositeType, node: FieldNode) {
  if (!('getFields' in parent)) return undefined;
  return parent.getFields()[node.name.value]?.type;
}

function columnsUnder(
  selectionSet: SelectionSetNode,
  type: GraphQLCompositeType,
  context: { schema: GraphQLSchema; fragments: ReadonlyMap<string, FragmentDefinitionNode> },
  prefix: string[] = [],
): Column[] {
  const columns: Column[] = [];
  for (const { node, parent } of fieldsOf(selectionSet, type, context.schema, context.fragments)) {
    const path = [...prefix, keyOf(node)];
    const fieldTypeOf = fieldType(parent, node);
    const nullable = fieldTypeOf ? getNullableType(fieldTypeOf) : undefined;
    const named = fieldTypeOf ? getNamedType(fieldTypeOf) : undefined;
    if (!node.selectionSet || !named || !isCompositeType(named))
      columns.push({ name: path.join('.'), path, json: named !== undefined && isJsonScalar(named) });
    else if (nullable && isListType(nullable)) columns.push({ name: path.join('.'), path, json: true });
    else columns.push(...columnsUnder(node.selectionSet, named, context, path));
  }
  return columns;
}

/** A scalar whose values are any JSON (`JSON`, `JSONObject`: specified by ECMA-404): its cells are JSON. */
function isJsonScalar(type: GraphQLNamedType): boolean {
  return (
    isScalarType(type) && (type.specifiedByURL?.includes('ECMA-404') === true || /^JSON(Object)?$/.test(type.name))
  );
}

/** The first list field under `selectionSet`, in document order, with the response keys to it. */
function firstList(
  selectionSet: SelectionSetNode,
  type: GraphQLCompositeType,
  context: { schema: GraphQLSchema; fragments: ReadonlyMap<string, FragmentDefinitionNode> },
  prefix: string[] = [],
): { path: string[]; selectionSet: SelectionSetNode; type: GraphQLCompositeType } | null {
  for (const { node, parent } of fieldsOf(selectionSet, type, context.schema, context.fragments)) {
    const declared = fieldType(parent, node);
    if (!declared || !node.selectionSet) continue;
    const named = getNamedType(declared);
    if (!isCompositeType(named)) continue;
    const path = [...prefix, keyOf(node)];
    if (isListType(getNullableType(declared))) return { path, selectionSet: node.selectionSet, type: named };
    const deeper = firstList(node.selectionSet, named, context, path);
    if (deeper) return deeper;
  }
  return null;
}

/** The first root field whose `after` is a variable, with that variable's name: the list paged through. */
function pagedField(operation: OperationDefinitionNode): { selection: FieldNode; afterVariable: string } | null {
  for (const selection of operation.selectionSet.selections) {
    if (selection.kind !== Kind.FIELD) continue;
    const after = selection.arguments?.find((argument) => argument.name.value === 'after');
    if (after?.value.kind === Kind.VARIABLE) return { selection, afterVariable: after.value.name.value };
  }
  return null;
}

/**
 * The variable an export fills with each next page's cursor (the `after` of the first root
 * field that takes one as a variable), or null: a run need not give it.
 */
export function pagingVariableOf(operation: OperationDefinitionNode): string | null {
  return pagedField(operation)?.afterVariable ?? null;
}

function pagingOf(document: DocumentNode, operation: OperationDefinitionNode): Paging | null {
  const paged = pagedField(operation);
  if (!paged) return null;
  const { selection, afterVariable } = paged;
  const selected = selection.selectionSet?.selections.filter((s): s is FieldNode => s.kind === Kind.FIELD) ?? [];
  const pageInfo = selected.find((field) => field.name.value === 'pageInfo' && !field.alias);
  const has = (name: string) =>
    pageInfo?.selectionSet?.selections.some((s) => s.kind === Kind.FIELD && s.name.value === name && !s.alias);
  let text = print(document);
  if (!has('hasNextPage') || !has('endCursor')) {
    // Added, not replaced: the page's own fields stay as the analyst wrote them.
    const edited = visit(document, {
      Field(node) {
        if (node !== selection || !node.selectionSet) return undefined;
        const addition = parse('{ pageInfo { hasNextPage endCursor } }').definitions[0] as OperationDefinitionNode;
        return {
          ...node,
          selectionSet: {
            ...node.selectionSet,
            selections: [...node.selectionSet.selections, ...addition.selectionSet.selections],
          },
        };
      },
    });
    text = print(edited);
  }
  return {
    field: keyOf(selection),
    afterVariable,
    document: text,
    cursorDocument: cursorDocumentOf(operation, selection),
    counts: selected.some((field) => field.name.value === 'totalCount' && !field.alias),
  };
}

/**
 * The operation cut down to the paged field with `pageInfo { hasNextPage endCursor }`: the same
 * arguments and directives, so the same list, and only the variables those use (GraphQL refuses
 * a declared variable that is not used). Fragments go: nothing under the field is kept.
 */
function cursorDocumentOf(operation: OperationDefinitionNode, selection: FieldNode): string {
  const used = new Set<string>();
  const collect = { Variable: (node: { name: { value: string } }) => void used.add(node.name.value) };
  visit({ ...selection, selectionSet: undefined }, collect);
  for (const directive of operation.directives ?? []) visit(directive, collect);
  const pageInfo = (parse('{ pageInfo { hasNextPage endCursor } }').definitions[0] as OperationDefinitionNode)
    .selectionSet;
  const cut: OperationDefinitionNode = {
    ...operation,
    variableDefinitions: (operation.variableDefinitions ?? []).filter((definition) =>
      used.has(definition.variable.name.value),
    ),
    selectionSet: { kind: Kind.SELECTION_SET, selections: [{ ...selection, selectionSet: pageInfo }] },
  };
  return print({ kind: Kind.DOCUMENT, definitions: [cut] });
}

/** Every field of the operation (fragments followed) whose `after` is a variable, with its response path. */
function afterVariablesOf(
  operation: OperationDefinitionNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
): Array<{ path: string; variable: string }> {
  const found: Array<{ path: string; variable: string }> = [];
  const seen = new Set<string>();
  const walk = (set: SelectionSetNode, prefix: string[]) => {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        const path = [...prefix, keyOf(selection)];
        const after = selection.arguments?.find((argument) => argument.name.value === 'after');
        if (after?.value.kind === Kind.VARIABLE) found.push({ path: path.join('.'), variable: after.value.name.value });
        if (selection.selectionSet) walk(selection.selectionSet, path);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) walk(selection.selectionSet, prefix);
      else {
        const fragment = fragments.get(selection.name.value);
        // A fragment spread twice is walked once per place; one spread inside itself is invalid GraphQL.
        const place = `${prefix.join('.')}:${selection.name.value}`;
        if (fragment && !seen.has(place)) {
          seen.add(place);
          walk(fragment.selectionSet, prefix);
        }
      }
    }
  };
  walk(operation.selectionSet, []);
  return found;
}

/** How the answers of a runnable document become rows (see `RowPlan`). */
export function planRows(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode): RowPlan {
  const fragments = new Map(
    document.definitions
      .filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION)
      .map((d) => [d.name.value, d]),
  );
  const root = schema.getQueryType()!;
  const context = { schema, fragments };
  const paging = pagingOf(document, operation);
  // The paged field selected again under its response key is the same field (GraphQL merges them).
  const otherPagedFields = afterVariablesOf(operation, fragments).filter(
    (field) => paging === null || field.path !== paging.field,
  );
  const list = firstList(operation.selectionSet, root, context);
  if (!list)
    return {
      listPath: [],
      itemKey: null,
      columns: columnsUnder(operation.selectionSet, root, context),
      paging,
      otherPagedFields,
    };
  // `edges { node { ... } }`: the row is the node; the edge's cursor is not data.
  const fields = fieldsOf(list.selectionSet, list.type, schema, fragments);
  const node = fields.length === 1 && fields[0].node.name.value === 'node' ? fields[0] : null;
  const nodeType = node ? getNamedType(fieldType(node.parent, node.node)!) : undefined;
  if (node?.node.selectionSet && nodeType && isCompositeType(nodeType))
    return {
      listPath: list.path,
      itemKey: keyOf(node.node),
      columns: columnsUnder(node.node.selectionSet, nodeType, context),
      paging,
      otherPagedFields,
    };
  return {
    listPath: list.path,
    itemKey: null,
    columns: columnsUnder(list.selectionSet, list.type, context),
    paging,
    otherPagedFields,
  };
}

/** The rows of one answer's `data`, by the plan. */
export function rowsOf(plan: RowPlan, data: Record<string, unknown> | null | undefined): unknown[] {
  if (!data) return [];
  if (plan.listPath.length === 0) return [data];
  let value: unknown = data;
  for (const key of plan.listPath) value = (value as Record<string, unknown> | null)?.[key];
  if (!Array.isArray(value)) return [];
  return plan.itemKey === null
    ? value
    : value.map((item) => (item as Record<string, unknown> | null)?.[plan.itemKey!] ?? null);
}

/** The characters that make a spreadsheet read a cell as a formula (OWASP's CSV injection list). */
const FORMULA_START = /^[=+\-@\t\r]/;

/** A text cell a spreadsheet will not run: one that would start a formula gets a leading `'`. */
function inert(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

function scalarCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return inert(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return inert(JSON.stringify(value));
}

/** One row's cells, in column order: see `RowPlan` for what lists and nulls become. */
export function cellsOf(plan: RowPlan, row: unknown): string[] {
  return plan.columns.map((column) => {
    let value: unknown = row;
    for (const key of column.path) value = (value as Record<string, unknown> | null | undefined)?.[key];
    if (value === null || value === undefined) return '';
    if (column.json) return inert(JSON.stringify(value));
    if (Array.isArray(value))
      return inert(value.map((item) => (item === null || item === undefined ? '' : String(item))).join('; '));
    return scalarCell(value);
  });
}

/** For tests: the plan of a document's only operation. */
export function planRowsOfText(schema: GraphQLSchema, text: string): RowPlan {
  const document = parse(text);
  const operation = document.definitions.find(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  )!;
  return planRows(schema, document, operation);
}
