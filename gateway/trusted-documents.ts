import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parse, validate, type GraphQLSchema } from 'graphql';
import { z } from 'zod';

/**
 * The documents a hub with `trustedDocuments.file` runs for callers who may not send their own:
 * by id (`documentId`, or an automatic-persisted-query hash), or as full text that is, byte for
 * byte, one of them. The file's list answers at once; the hub adds every saved query version,
 * which is a store look-up.
 */
export interface TrustedDocuments {
  /** The document registered under this id (a bare hash or `sha256:<hash>`), if any. */
  byId(id: string): string | undefined | Promise<string | undefined>;
  /** Whether this exact text is one of the registered documents. */
  includes(text: string): boolean | Promise<boolean>;
}

/** A file's list: it answers at once, and says how long it is. */
export interface TrustedDocumentList extends TrustedDocuments {
  byId(id: string): string | undefined;
  includes(text: string): boolean;
  /** How many documents are registered. */
  readonly size: number;
}

/** The SHA-256 of a document's text, hex: the id GraphQL Codegen and Apollo's manifests give it. */
export function documentHash(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The ids a client may send: `sha256:<hex>` (GraphQL over HTTP's persisted documents) or the bare id. */
export function bareId(id: string): string {
  return id.startsWith('sha256:') ? id.slice('sha256:'.length) : id;
}

// The two common manifest formats: GraphQL Codegen's client preset (`persisted-documents.json`,
// also what GraphQL Yoga and Hive read) and Apollo's persisted query manifest.
const CodegenManifest = z.record(z.string().min(1), z.string().min(1));
const ApolloManifest = z.object({
  format: z.literal('apollo-persisted-query-manifest'),
  version: z.literal(1),
  operations: z.array(z.object({ id: z.string().min(1), body: z.string().min(1) }).passthrough()),
});

/** Builds the list from documents by id, checking each against the schema. */
export function trustedDocumentsFrom(
  documents: ReadonlyMap<string, string>,
  schema: GraphQLSchema,
  where = 'the trusted documents',
): TrustedDocumentList {
  const byId = new Map<string, string>();
  const hashes = new Set<string>();
  for (const [id, text] of documents) {
    let problem: string | undefined;
    try {
      problem = validate(schema, parse(text))[0]?.message;
    } catch (error) {
      problem = (error as Error).message;
    }
    // A registered document that no longer fits the graph would fail every client that sends it:
    // better to say so at start-up, naming it.
    if (problem) throw new Error(`Document ${id} in ${where} does not run against this hub's schema: ${problem}`);
    byId.set(bareId(id), text);
    hashes.add(documentHash(text));
  }
  return {
    byId: (id) => byId.get(bareId(id)),
    includes: (text) => hashes.has(documentHash(text)),
    size: byId.size,
  };
}

/**
 * Reads a trusted-document list file: a JSON object of id to document (GraphQL Codegen's
 * `persisted-documents.json`), or an Apollo persisted query manifest. Fails with a sentence naming
 * the file and what was wrong.
 */
export function loadTrustedDocuments(file: string, schema: GraphQLSchema): TrustedDocumentList {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(
      `The trusted documents file ${file} (auth.trustedDocuments.file) could not be read as JSON: ${(error as Error).message}`,
    );
  }
  const apollo = ApolloManifest.safeParse(json);
  if (apollo.success)
    return trustedDocumentsFrom(new Map(apollo.data.operations.map((o) => [o.id, o.body])), schema, file);
  const codegen = CodegenManifest.safeParse(json);
  if (codegen.success) return trustedDocumentsFrom(new Map(Object.entries(codegen.data)), schema, file);
  throw new Error(
    `The trusted documents file ${file} (auth.trustedDocuments.file) is neither an object of id to document ` +
      `(GraphQL Codegen's persisted-documents.json) nor an Apollo persisted query manifest`,
  );
}
