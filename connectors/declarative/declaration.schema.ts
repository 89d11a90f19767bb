import { z } from 'zod';

/** The GraphQL scalars a declared field may have (besides a declared object type or enum). */
export const SCALARS = ['String', 'Int', 'Float', 'Boolean', 'ID', 'DateTime', 'LocalDate'] as const;
export type ScalarName = (typeof SCALARS)[number];

/** What may be done to a record's value before the graph shows it, in the order listed. */
export const TRANSFORMS = ['trim', 'lowercase', 'minorUnits', 'date', 'dateTime'] as const;
export type TransformName = (typeof TRANSFORMS)[number];

/** The placeholder the OpenAPI importer writes where a document has no description. */
export const DESCRIBE_PLACEHOLDER = 'TODO: describe';

const description = z
  .string({ error: 'expected a description (one sentence)' })
  .trim()
  .min(1, 'expected a description (one sentence)')
  .refine((text) => !text.startsWith(DESCRIBE_PLACEHOLDER), {
    message: `replace the importer's placeholder "${DESCRIBE_PLACEHOLDER}" with a description`,
  });

/** A dot path into a JSON answer or record: `paging.after`, `consent.state`. */
const jsonPath = z
  .string({ error: 'expected a dot path such as "paging.after"' })
  .regex(/^[A-Za-z_$][\w$-]*(\.[A-Za-z_$][\w$-]*)*$/, 'expected a dot path such as "paging.after"');
const httpPath = z
  .string({ error: 'expected a path starting with "/"' })
  .regex(/^\/\S*$/, 'expected a path starting with "/"')
  // `//host/x` is a URL to another host, not a path of this system's.
  .refine((value) => !value.startsWith('//'), 'expected a path on the system, not "//" and a host');
const paramName = z.string({ error: 'expected a query parameter name' }).min(1, 'expected a query parameter name');
const typeName = /^[A-Z][A-Za-z0-9]*$/;
const fieldName = /^[a-z][A-Za-z0-9]*$/;

const fieldSchema = z
  .object({
    /** A scalar, a declared type or enum; `[T]` for a list of them (items never null). */
    type: z.union([z.string(), z.tuple([z.string()])], {
      error: 'expected a type name, or a list of one as [TypeName]',
    }),
    description,
    /** Where the value is in the record (dot path, relative to the enclosing object); default the field's name. */
    from: jsonPath.optional(),
    nullable: z.boolean().default(false),
    transform: z.array(z.enum(TRANSFORMS)).default([]),
  })
  .strict();

const objectTypeSchema = z
  .object({
    description,
    fields: z.record(z.string().regex(fieldName, 'expected a camelCase field name'), fieldSchema),
  })
  .strict();

const enumSchema = z
  .object({
    description,
    values: z.record(
      z.string().regex(/^[A-Z][A-Z0-9_]*$/, 'expected an UPPER_CASE enum value'),
      z
        .object({
          description,
          /** The system's own value; default the enum value's name. */
          from: z.union([z.string(), z.number()]).optional(),
        })
        .strict(),
    ),
  })
  .strict();

const batchBase = {
  path: httpPath,
  /** Where the list of records is in the answer. */
  records: jsonPath,
  /** The key field of each record. */
  key: jsonPath,
  /** The most keys the system takes in one request; more are sent as several requests in parallel. */
  maxBatchSize: z
    .number({ error: 'expected a whole number from 1 to 10000' })
    .int('expected a whole number from 1 to 10000')
    .min(1, 'expected a whole number from 1 to 10000')
    .max(10_000, 'expected a whole number from 1 to 10000')
    .default(100),
};

const batchSchema = z.discriminatedUnion(
  'method',
  [
    z.object({ method: z.literal('POST'), body: paramName, ...batchBase }).strict(),
    z
      .object({
        method: z.literal('GET'),
        query: paramName,
        /** `comma`: `?ids=a,b`; `repeat`: `?ids=a&ids=b`. */
        style: z.enum(['comma', 'repeat']).default('comma'),
        ...batchBase,
      })
      .strict(),
  ],
  { error: 'expected POST (keys in a body array) or GET (keys in a query parameter)' },
);

const pagingSchema = z.discriminatedUnion(
  'style',
  [
    z
      .object({
        style: z.literal('cursor'),
        /** The query parameter taking the previous page's cursor. */
        cursor: paramName,
        /** Where the next page's cursor is in the answer; null or absent on the last page. */
        next: jsonPath,
        size: paramName,
      })
      .strict(),
    z
      .object({
        style: z.literal('page'),
        page: paramName,
        size: paramName,
        /** Where the total number of records is in the answer. */
        total: jsonPath,
        /** The number of the first page. */
        first: z.number().int().nonnegative().default(1),
      })
      .strict(),
    z.object({ style: z.literal('offset'), offset: paramName, size: paramName, total: jsonPath }).strict(),
  ],
  { error: 'expected cursor, page or offset' },
);

const directorySchema = z
  .object({
    path: httpPath,
    records: jsonPath,
    paging: pagingSchema,
    /** How one listed record becomes a directory entry for the identity sync. */
    entry: z
      .object({
        key: jsonPath,
        name: jsonPath.optional(),
        firstName: jsonPath.optional(),
        lastName: jsonPath.optional(),
        emails: z.array(jsonPath).default([]),
        phones: z.array(jsonPath).default([]),
        taxNumbers: z.array(jsonPath).default([]),
      })
      .strict()
      .refine((entry) => entry.name === undefined || (entry.firstName === undefined && entry.lastName === undefined), {
        message: 'expected either name or firstName/lastName, not both',
      }),
  })
  .strict();

const scalarValue = z.union([z.string(), z.number(), z.boolean(), z.null()]);

/** The aggregates a figure may be: exactly one of these keys. */
export const FIGURE_KINDS = ['field', 'count', 'sum', 'max', 'min', 'last'] as const;
export type FigureKind = (typeof FIGURE_KINDS)[number];

const figureSchema = z
  .object({
    type: z.enum(['Float', 'Int', 'DateTime', 'String']),
    description,
    /** A field path of the graph object. */
    field: jsonPath.optional(),
    /** The length of a list (after `where`). */
    count: jsonPath.optional(),
    /** A numeric path through one list: `campaigns.clicks`. */
    sum: jsonPath.optional(),
    max: jsonPath.optional(),
    min: jsonPath.optional(),
    /** The last item's value of a path through one list (lists are oldest first). */
    last: jsonPath.optional(),
    /** Keeps the list's items whose field equals the value (or one of the values). */
    where: z.record(jsonPath, z.union([scalarValue, z.array(scalarValue)])).optional(),
  })
  .strict()
  .refine((figure) => FIGURE_KINDS.filter((kind) => figure[kind] !== undefined).length === 1, {
    message: `expected exactly one of ${FIGURE_KINDS.join(', ')}`,
  });

/**
 * A REST connector declared in a file: how to call the system, and how its records become
 * graph types and snapshot figures. The base URL and secrets stay in the hub's configuration.
 */
export const restConnectorDeclarationSchema = z
  .object({
    name: z.string().regex(/^[a-z][a-z0-9]*$/, 'expected lower-case letters and digits, such as "marketing"'),
    description,
    key: z
      .object({
        /** What the system calls its key, for descriptions: `subscriber id`. */
        name: z.string().min(1),
        normalise: z.enum(['none', 'lowercase', 'trim-lowercase']).default('none'),
      })
      .strict(),
    /** How requests authenticate; the value is a declared credential, read from the environment. */
    auth: z
      .discriminatedUnion(
        'type',
        [
          z.object({ type: z.literal('header'), header: z.string().min(1), credential: z.string().min(1) }).strict(),
          z.object({ type: z.literal('bearer'), credential: z.string().min(1) }).strict(),
        ],
        { error: 'expected header or bearer' },
      )
      .optional(),
    batch: batchSchema,
    directory: directorySchema,
    health: httpPath.default('/health'),
    graph: z
      .object({
        /** The type of the department's record: `Customer.<name>`. */
        record: z.string(),
        /** Description of the `Customer.<name>` field. */
        description,
        types: z.record(z.string().regex(typeName, 'expected a PascalCase type name'), objectTypeSchema),
        enums: z.record(z.string().regex(typeName, 'expected a PascalCase enum name'), enumSchema).default({}),
        /** What the query page's screen pop reads of the department: a selection set on `record`. */
        example: z
          .string()
          .regex(/^\s*\{[\s\S]*\}\s*$/, 'expected a selection set in braces, e.g. "{ subscriberId }"')
          .optional(),
      })
      .strict(),
    figures: z.record(z.string().regex(fieldName, 'expected a camelCase figure name'), figureSchema).default({}),
  })
  .strict();

/** A REST connector declaration, as validated (defaults filled in). */
export type RestConnectorDeclaration = z.infer<typeof restConnectorDeclarationSchema>;
/** A declaration as written in a file (defaults may be left out). */
export type RestConnectorDeclarationInput = z.input<typeof restConnectorDeclarationSchema>;
export type DeclaredField = RestConnectorDeclaration['graph']['types'][string]['fields'][string];
export type DeclaredObjectType = RestConnectorDeclaration['graph']['types'][string];
export type DeclaredEnum = RestConnectorDeclaration['graph']['enums'][string];
export type DeclaredFigure = RestConnectorDeclaration['figures'][string];
export type DeclaredPaging = RestConnectorDeclaration['directory']['paging'];
