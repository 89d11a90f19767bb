import { Kind, OperationTypeNode, parse, print, type DocumentNode, type OperationDefinitionNode } from 'graphql';
import type { GraphQLResponse } from '../../helpers/hub';
import type { FencedBlock } from '../../helpers/markdown';

/** One operation of a README ```graphql block (a block may hold several, e.g. two look-ups). */
export interface ReadmeOperation {
  /** For test names: `ScreenPop (line 9)`, or the root field of an anonymous operation. */
  label: string;
  name: string | null;
  /** The operation alone (with the block's fragments), printed: what a client would send. */
  document: string;
  /** The names of the variables it declares. */
  variables: string[];
}

/** Splits a block into operations a server can run one at a time. */
export function operationsOf(block: FencedBlock): ReadmeOperation[] {
  let document: DocumentNode;
  try {
    document = parse(block.text);
  } catch (error) {
    throw new Error(`The graphql block at README line ${block.line} does not parse: ${(error as Error).message}`);
  }
  const fragments = document.definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION);
  return document.definitions
    .filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)
    .map((operation) => {
      const ast: DocumentNode = { kind: Kind.DOCUMENT, definitions: [operation, ...fragments] };
      const first = operation.selectionSet.selections[0];
      const root = first?.kind === Kind.FIELD ? first.name.value : operation.operation;
      const name = operation.name?.value ?? null;
      const kind = operation.operation === OperationTypeNode.QUERY ? '' : `${operation.operation} `;
      return {
        label: `${name ?? `the ${kind}${root} example`} (line ${block.line})`,
        name,
        document: print(ast),
        variables: (operation.variableDefinitions ?? []).map((v) => v.variable.name.value),
      };
    });
}

/**
 * What is wrong with an answer to a README example, as sentences (none: it is what the README
 * promises). The README shows each example answering data: no errors, no null root field, no
 * empty list (an unknown id gives `systems: []` from refreshCustomer), no `totalCount: 0`, and
 * no system reporting `ok: false`.
 */
export function problemsOf(result: GraphQLResponse): string[] {
  const found = (result.errors ?? []).map(
    (error) =>
      `error at ${error.path?.join('.') ?? '(root)'}: ${error.message} (${JSON.stringify(error.extensions?.code ?? null)})`,
  );
  if (!result.data) return [...found, 'no data'];
  for (const [field, value] of Object.entries(result.data)) {
    if (value === null) found.push(`${field} is null`);
    else walk(value, field, found);
  }
  return found;
}

function walk(value: unknown, path: string, found: string[]): void {
  if (Array.isArray(value)) {
    if (value.length === 0) found.push(`${path} is an empty list`);
    value.forEach((item, index) => walk(item, `${path}.${index}`, found));
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  const object = value as Record<string, unknown>;
  if (object.totalCount === 0) found.push(`${path}.totalCount is 0`);
  if (object.ok === false) found.push(`${path}.ok is false: ${String(object.error)}`);
  for (const [key, child] of Object.entries(object)) walk(child, `${path}.${key}`, found);
}

/** The first `pageInfo.endCursor` in an answer, or null. */
export function endCursorIn(value: unknown): string | null {
  if (typeof value !== 'object' || value === null) return null;
  const object = value as Record<string, unknown>;
  const pageInfo = object.pageInfo as { endCursor?: unknown } | undefined;
  if (typeof pageInfo?.endCursor === 'string') return pageInfo.endCursor;
  for (const child of Object.values(object)) {
    const found = endCursorIn(child);
    if (found !== null) return found;
  }
  return null;
}
