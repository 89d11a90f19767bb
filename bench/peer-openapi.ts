// Prepares the silos' OpenAPI documents for GraphQL Mesh, the way an evaluator has to (see
// bench/README.md, "The peer"). Pure: no I/O, so test/bench/peer-openapi.test.ts checks it alone.

/** A JSON value, as `JSON.parse` returns it. */
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const isObject = (value: Json | undefined): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isNullSchema = (value: Json): boolean =>
  isObject(value) && value.type === 'null' && Object.keys(value).length === 1;

/**
 * One schema object, 3.1 to 3.0: `type: [X, "null"]` becomes `type: X, nullable: true`, and
 * `anyOf`/`oneOf` with a `{ type: "null" }` branch loses the branch and gains `nullable: true`.
 * A type list with several non-null types becomes `anyOf` of each (3.0 has no type lists).
 */
function rewriteSchemaNode(node: JsonObject): JsonObject {
  const out: JsonObject = { ...node };
  if (Array.isArray(node.type)) {
    const types = node.type.filter((t): t is string => typeof t === 'string' && t !== 'null');
    const nullable = types.length < node.type.length;
    delete out.type;
    if (types.length === 1) out.type = types[0];
    else if (types.length > 1) out.anyOf = types.map((type) => ({ type }));
    if (nullable) out.nullable = true;
  }
  for (const combinator of ['anyOf', 'oneOf'] as const) {
    const branches = out[combinator];
    if (!Array.isArray(branches) || !branches.some(isNullSchema)) continue;
    const rest = branches.filter((branch) => !isNullSchema(branch));
    out.nullable = true;
    if (rest.length === 1 && isObject(rest[0])) {
      // `anyOf: [X, null]` is X, nullable: keep X's own keywords beside the ones already here.
      delete out[combinator];
      Object.assign(out, rest[0], { nullable: true });
    } else {
      out[combinator] = rest;
    }
  }
  return out;
}

function rewrite(value: Json): Json {
  if (Array.isArray(value)) return value.map(rewrite);
  if (!isObject(value)) return value;
  const node = rewriteSchemaNode(value);
  const out: JsonObject = {};
  for (const [key, child] of Object.entries(node)) out[key] = rewrite(child);
  return out;
}

/**
 * Rewrites an OpenAPI 3.1 document as 3.0 for what Mesh reads of it: GraphQL Mesh
 * (`@omnigraph/openapi`) turns 3.1's `type: ["string", "null"]` into a non-null `String!`, so
 * every `null` a silo sends blanks the whole record with an error. 3.0's `nullable: true` it
 * maps to a nullable field. Nothing else changes; the input is not modified.
 *
 * @example
 * nullableAsOpenApi30({ openapi: '3.1.0', components: { schemas: { A: { type: ['string', 'null'] } } } });
 * // { openapi: '3.0.3', components: { schemas: { A: { type: 'string', nullable: true } } } }
 */
export function nullableAsOpenApi30(document: Record<string, unknown>): Record<string, unknown> {
  const rewritten = rewrite(document as Json) as JsonObject;
  if (typeof rewritten.openapi === 'string' && rewritten.openapi.startsWith('3.1')) rewritten.openapi = '3.0.3';
  return rewritten;
}

/**
 * Leaves out the silos' operational routes (`/_stats`, `/_chaos`, `/health`, `/openapi.json`),
 * which every silo has under the same names (they would collide in the supergraph), and every
 * answer but the 2xx ones. Mesh makes a field's type a union of all documented answers (200 |
 * 400 | 503), so a silo's error would come back as data, not as a GraphQL error; without them
 * an error answer is a GraphQL error, and queries select the 200 shape without fragments.
 */
export function departmentRoutesOnly(document: Record<string, unknown>): Record<string, unknown> {
  const paths = (document.paths ?? {}) as Record<string, Record<string, Record<string, unknown>>>;
  const kept: Record<string, unknown> = {};
  for (const [route, operations] of Object.entries(paths)) {
    if (route.startsWith('/_') || route === '/health' || route === '/openapi.json') continue;
    kept[route] = Object.fromEntries(
      Object.entries(operations).map(([method, operation]) => {
        const responses = (operation.responses ?? {}) as Record<string, unknown>;
        const ok = Object.entries(responses).filter(([status]) => /^2/.test(status));
        return [method, { ...operation, responses: Object.fromEntries(ok) }];
      }),
    );
  }
  return { ...document, paths: kept };
}

/** What the benchmark feeds Mesh: the department routes, their 2xx answers, nulls as 3.0 has them. */
export function prepareForMesh(document: Record<string, unknown>): Record<string, unknown> {
  return nullableAsOpenApi30(departmentRoutesOnly(document));
}
