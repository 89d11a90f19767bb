import { typeOf, type JsonSchema } from './json-schema';

/** One operation of the document, with what the importer reads of it. */
export interface Operation {
  /** Its `operationId`, or `METHOD /path` when it has none. */
  id: string;
  method: 'GET' | 'POST';
  path: string;
  parameters: Array<{ name: string; in: string; required: boolean; schema: JsonSchema; explode?: boolean }>;
  body: JsonSchema | null;
  /** The 200 (or first 2xx) JSON answer's schema. */
  answer: JsonSchema | null;
}

/** How a batch read takes its keys, and where its records are. */
export interface BatchCandidate {
  operation: Operation;
  keys:
    | { in: 'body'; name: string; maxItems?: number }
    | { in: 'query'; name: string; explode: boolean; maxItems?: number };
  records: { path: string; item: JsonSchema };
}

/** A list operation's paging and where its records are. */
export interface DirectoryCandidate {
  operation: Operation;
  records: { path: string; item: JsonSchema };
  paging:
    | { style: 'cursor'; cursor: string; next: string; size: string }
    | { style: 'page'; page: string; size: string; total: string }
    | { style: 'offset'; offset: string; size: string; total: string };
}

const asRecord = (value: unknown): Record<string, unknown> =>
  value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {};

const jsonOf = (content: unknown): JsonSchema | null => {
  const media = asRecord(asRecord(content)['application/json']);
  return media.schema ? media.schema : null;
};

/** The GET and POST operations of a dereferenced OpenAPI document. */
export function operationsOf(document: unknown): Operation[] {
  const operations: Operation[] = [];
  for (const [path, item] of Object.entries(asRecord(asRecord(document).paths))) {
    for (const method of ['get', 'post'] as const) {
      const operation = asRecord(asRecord(item)[method]);
      if (Object.keys(operation).length === 0) continue;
      const responses = asRecord(operation.responses);
      const ok = Object.keys(responses).find((status) => /^2\d\d$/.test(status));
      const parameters = [
        ...((asRecord(item).parameters as unknown[] | undefined) ?? []),
        ...((operation.parameters as unknown[] | undefined) ?? []),
      ];
      operations.push({
        id: typeof operation.operationId === 'string' ? operation.operationId : `${method.toUpperCase()} ${path}`,
        method: method === 'get' ? 'GET' : 'POST',
        path,
        parameters: parameters.map((parameter) => {
          const p = asRecord(parameter);
          return {
            name: String(p.name),
            in: String(p.in),
            required: p.required === true,
            schema: asRecord(p.schema),
            explode: typeof p.explode === 'boolean' ? p.explode : undefined,
          };
        }),
        body: jsonOf(asRecord(operation.requestBody).content),
        answer: ok ? jsonOf(asRecord(responses[ok]).content) : null,
      });
    }
  }
  return operations;
}

/** The array of objects in an answer (searched two levels deep), and its dot path. */
function recordsIn(answer: JsonSchema | null, prefix = ''): { path: string; item: JsonSchema } | null {
  for (const [name, property] of Object.entries(answer?.properties ?? {})) {
    const { type, schema } = typeOf(property);
    const item = schema.items ? typeOf(schema.items) : null;
    if (type === 'array' && item?.type === 'object') return { path: `${prefix}${name}`, item: item.schema };
  }
  if (prefix) return null;
  for (const [name, property] of Object.entries(answer?.properties ?? {}))
    if (typeOf(property).type === 'object') {
      const found = recordsIn(property, `${name}.`);
      if (found) return found;
    }
  return null;
}

/** The first property path (two levels deep) whose name matches and whose type is one of `types`. */
function propertyPath(schema: JsonSchema | null, name: RegExp, types: readonly string[], prefix = ''): string | null {
  for (const [key, property] of Object.entries(schema?.properties ?? {})) {
    const { type } = typeOf(property);
    if (name.test(key) && type && types.includes(type)) return `${prefix}${key}`;
  }
  if (prefix) return null;
  for (const [key, property] of Object.entries(schema?.properties ?? {}))
    if (typeOf(property).type === 'object') {
      const found = propertyPath(property, name, types, `${key}.`);
      if (found) return found;
    }
  return null;
}

const isKeyList = (schema: JsonSchema) => {
  const { type, schema: inner } = typeOf(schema);
  const item = inner.items ? typeOf(inner.items).type : undefined;
  return type === 'array' && (item === 'string' || item === 'integer');
};

/** Operations that read many records by key: a POST with a key array in its body, or a GET with an array query parameter. */
export function batchCandidates(operations: readonly Operation[]): BatchCandidate[] {
  const found: BatchCandidate[] = [];
  for (const operation of operations) {
    const records = recordsIn(operation.answer);
    if (!records) continue;
    if (operation.method === 'POST' && operation.body) {
      const keys = Object.entries(operation.body.properties ?? {}).find(([, schema]) => isKeyList(schema));
      if (keys)
        found.push({
          operation,
          records,
          keys: { in: 'body', name: keys[0], maxItems: typeOf(keys[1]).schema.maxItems },
        });
    } else if (operation.method === 'GET') {
      const keys = operation.parameters.find((parameter) => parameter.in === 'query' && isKeyList(parameter.schema));
      if (keys)
        found.push({
          operation,
          records,
          keys: { in: 'query', name: keys.name, explode: keys.explode ?? true, maxItems: keys.schema.maxItems },
        });
    }
  }
  return found;
}

const CURSOR = /^(cursor|after|next|nextCursor|pageToken|page_token|starting_after|continuation|token)$/i;
const NEXT = /^(next|after|nextCursor|next_cursor|cursor|nextPageToken|next_page_token)$/i;
const SIZE = /^(limit|pageSize|page_size|per_page|perPage|size|count|max)$/i;
const PAGE = /^(page|pageNumber|page_number)$/i;
const OFFSET = /^(offset|skip|start)$/i;
const TOTAL = /^(total|totalCount|total_count|count|totalItems)$/i;

/** GET operations that list records a page at a time, with the paging style they use. */
export function directoryCandidates(operations: readonly Operation[]): DirectoryCandidate[] {
  const found: DirectoryCandidate[] = [];
  for (const operation of operations) {
    if (operation.method !== 'GET' || operation.parameters.some((p) => p.required)) continue;
    const records = recordsIn(operation.answer);
    const query = operation.parameters.filter((p) => p.in === 'query').map((p) => p.name);
    const size = query.find((name) => SIZE.test(name));
    if (!records || !size) continue;
    const cursor = query.find((name) => CURSOR.test(name));
    const page = query.find((name) => PAGE.test(name));
    const offset = query.find((name) => OFFSET.test(name));
    const next = propertyPath(operation.answer, NEXT, ['string']);
    const total = propertyPath(operation.answer, TOTAL, ['integer', 'number']);
    if (cursor && next) found.push({ operation, records, paging: { style: 'cursor', cursor, next, size } });
    else if (page && total) found.push({ operation, records, paging: { style: 'page', page, size, total } });
    else if (offset && total) found.push({ operation, records, paging: { style: 'offset', offset, size, total } });
  }
  return found;
}
