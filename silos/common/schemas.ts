/** Small builders for the JSON schemas the silos' routes declare (validation and OpenAPI alike). */

/** A JSON schema, as fastify and @fastify/swagger take it. */
export type JsonSchema = Record<string, unknown>;

/** An object schema whose every property is required (the silos always send every field). */
export function object(properties: Record<string, JsonSchema>, description?: string): JsonSchema {
  return {
    type: 'object',
    ...(description ? { description } : {}),
    required: Object.keys(properties),
    properties,
  };
}

/** A string field with a description and an example. */
export function text(description: string, example?: string): JsonSchema {
  return { type: 'string', description, ...(example === undefined ? {} : { examples: [example] }) };
}

/** A string field that may be null. */
export function nullableText(description: string, example?: string): JsonSchema {
  return { ...text(description, example), type: ['string', 'null'] };
}

/** An integer field. */
export function integer(description: string, minimum?: number): JsonSchema {
  return { type: 'integer', description, ...(minimum === undefined ? {} : { minimum }) };
}

/** A decimal field. */
export function decimal(description: string): JsonSchema {
  return { type: 'number', description };
}

/** A string field limited to `values`. */
export function oneOf(description: string, values: readonly string[]): JsonSchema {
  return { type: 'string', description, enum: [...values] };
}

/** A list of items. */
export function list(items: JsonSchema, description?: string): JsonSchema {
  return { type: 'array', items, ...(description ? { description } : {}) };
}

/** Most keys a batch read takes (the README's limit). */
export const MAX_BATCH_KEYS = 1000;

/** The body of a batch read: `{ [field]: string[] }`, at most 1,000 keys. */
export function keyListBody(field: string, description: string, example: string): JsonSchema {
  return {
    type: 'object',
    additionalProperties: false,
    required: [field],
    properties: {
      [field]: {
        type: 'array',
        description: `${description} At most ${MAX_BATCH_KEYS}.`,
        maxItems: MAX_BATCH_KEYS,
        items: { type: 'string', minLength: 1, maxLength: 320, examples: [example] },
      },
    },
  };
}

/** A page size query parameter, 1..1000, default 100. */
export function pageSize(description: string): JsonSchema {
  return { type: 'integer', minimum: 1, maximum: 1000, default: 100, description };
}
