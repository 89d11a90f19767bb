import SwaggerParser from '@apidevtools/swagger-parser';
import { parse as parseYaml, stringify } from 'yaml';
import { DESCRIBE_PLACEHOLDER, type RestConnectorDeclarationInput } from '../declaration.schema';
import { pascal, singular, typeOf, words, type JsonSchema } from './json-schema';
import {
  batchCandidates,
  directoryCandidates,
  operationsOf,
  type BatchCandidate,
  type DirectoryCandidate,
  type Operation,
} from './operations';
import { mapRecordSchema } from './schema-map';

import { OpenApiImportError } from './import-error';

export { OpenApiImportError };

/** What `importOpenApi` needs besides the document. */
export interface ImportOpenApiOptions {
  /** The connector's name (lower case): the `Customer` field and `connectors.<name>` in the config. */
  name: string;
  /** The batch read's `operationId` (or `POST /path`), when the document has several candidates. */
  batchOperation?: string;
  /** The directory's `operationId` (or `GET /path`), when the document has several candidates. */
  directoryOperation?: string;
}

/** A declaration to review, and what the integrator must look at before using it. */
export interface ImportedDeclaration {
  declaration: RestConnectorDeclarationInput;
  /** Placeholders to replace and choices to check, each naming the declaration path. */
  warnings: string[];
}

function choose<C extends { operation: Operation }>(what: string, flag: string, candidates: C[], wanted?: string): C {
  const list = candidates.map((candidate) => candidate.operation.id).join(', ') || 'none';
  if (wanted !== undefined) {
    const chosen = candidates.find((candidate) => candidate.operation.id === wanted);
    if (!chosen)
      throw new OpenApiImportError(`${flag} "${wanted}" is not a ${what} the document offers (candidates: ${list})`);
    return chosen;
  }
  if (candidates.length === 1) return candidates[0];
  if (candidates.length === 0) throw new OpenApiImportError(`The document has no ${what}`);
  throw new OpenApiImportError(
    `The document has several candidates for the ${what}; choose one with ${flag} (candidates: ${list})`,
  );
}

/** The record's key field: the key list's name in the singular (`accountNumbers` → `accountNumber`), else `id`. */
function keyFieldOf(batch: BatchCandidate): string {
  const properties = Object.keys(batch.records.item.properties ?? {});
  const named = singular(batch.keys.name);
  const guesses = [named, named.replace(/Ids?$/, 'Id'), 'id', 'key'];
  const found = guesses.find((guess) => properties.includes(guess));
  if (found) return found;
  throw new OpenApiImportError(
    `Cannot tell which field of the ${batch.operation.id} records is the key (looked for ${guesses.join(', ')})`,
  );
}

/** Property paths of a directory item (two levels deep) whose names match. */
function pathsLike(item: JsonSchema, name: RegExp, prefix = ''): string[] {
  const found: string[] = [];
  for (const [key, property] of Object.entries(item.properties ?? {})) {
    const { type } = typeOf(property);
    if (type === 'object' && !prefix) found.push(...pathsLike(property, name, `${key}.`));
    else if ((type === 'string' || type === 'array') && name.test(key)) found.push(`${prefix}${key}`);
  }
  return found;
}

function entryOf(directory: DirectoryCandidate, key: string, warnings: string[]) {
  const { item } = directory.records;
  const properties = item.properties ?? {};
  const name = ['name', 'fullName', 'displayName', 'legalName'].find((candidate) => properties[candidate]);
  const first = ['firstName', 'first_name', 'givenName'].find((candidate) => properties[candidate]);
  const last = ['lastName', 'last_name', 'familyName'].find((candidate) => properties[candidate]);
  if (!name && !(first || last)) warnings.push('directory.entry: no name field found; add name or firstName/lastName');
  return {
    key: properties[key] ? key : 'id',
    ...(name ? { name } : { ...(first ? { firstName: first } : {}), ...(last ? { lastName: last } : {}) }),
    emails: pathsLike(item, /e-?mail/i),
    phones: pathsLike(item, /phone|mobile/i),
    taxNumbers: pathsLike(item, /^(tax|vat)/i),
  };
}

function authOf(document: unknown, warnings: string[]): RestConnectorDeclarationInput['auth'] {
  const components = (document as { components?: { securitySchemes?: Record<string, Record<string, unknown>> } })
    .components;
  const schemes = Object.values(components?.securitySchemes ?? {});
  for (const scheme of schemes) {
    if (scheme.type === 'apiKey' && scheme.in === 'header')
      return { type: 'header', header: String(scheme.name), credential: 'apiKey' };
    if (scheme.type === 'http' && scheme.scheme === 'bearer') return { type: 'bearer', credential: 'token' };
  }
  if (schemes.length > 0)
    warnings.push('auth: the document names a security scheme the importer cannot map; declare auth by hand');
  return undefined;
}

/**
 * The document itself: fetched here when it is a URL, since the parser's own HTTP resolver
 * refuses loopback and private addresses (where an internal system's document usually is).
 */
async function readDocument(documentOrUrl: string | object): Promise<string | object> {
  if (typeof documentOrUrl !== 'string') return structuredClone(documentOrUrl);
  if (!/^https?:\/\//i.test(documentOrUrl)) return documentOrUrl;
  let response: Response;
  try {
    response = await fetch(documentOrUrl, {
      headers: { accept: 'application/json' },
      signal: AbortSignal.timeout(10_000),
    });
  } catch (error) {
    throw new OpenApiImportError(`Cannot fetch ${documentOrUrl}: ${(error as Error).message}`);
  }
  if (!response.ok) throw new OpenApiImportError(`Cannot fetch ${documentOrUrl}: it answered HTTP ${response.status}`);
  const text = await response.text();
  if (text.length > MAX_DOCUMENT_CHARACTERS)
    throw new OpenApiImportError(`${documentOrUrl} answered more than ${MAX_DOCUMENT_CHARACTERS} characters`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    try {
      parsed = parseYaml(text);
    } catch {
      parsed = undefined;
    }
  }
  // Anything but an object (a bare string, say) would be taken by the parser for a path or a URL
  // of its own, so a system could make the importer read a local file.
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new OpenApiImportError(`${documentOrUrl} answered something that is not an OpenAPI document`);
  return parsed;
}

/** The largest OpenAPI document the importer reads from a URL (the demo systems' are a few kB). */
const MAX_DOCUMENT_CHARACTERS = 10 * 1024 * 1024;

/**
 * Reads an OpenAPI (3.0 or 3.1) document, validating and dereferencing it with
 * @apidevtools/swagger-parser, and writes the declaration of a connector over it: the batch read
 * and directory it finds (or is told, when several fit), their paging, and graph types mapped
 * from the record schema. The result is for an integrator to review: `warnings` lists every
 * placeholder and guess.
 *
 * @example
 * const { declaration, warnings } = await importOpenApi('http://127.0.0.1:4105/openapi.json', { name: 'marketing' });
 * writeFileSync('marketing.yaml', declarationToYaml(declaration, warnings));
 */
export async function importOpenApi(
  documentOrUrl: string | object,
  options: ImportOpenApiOptions,
): Promise<ImportedDeclaration> {
  let document: unknown;
  try {
    // Validation dereferences too; given a copy, so the caller's object is left as it was.
    document = await SwaggerParser.validate((await readDocument(documentOrUrl)) as never);
  } catch (error) {
    if (error instanceof OpenApiImportError) throw error;
    throw new OpenApiImportError(`The OpenAPI document is not valid: ${(error as Error).message.split('\n')[0]}`);
  }
  const warnings: string[] = [];
  const operations = operationsOf(document);
  const batch = choose(
    'batch read (many records by key)',
    '--batch',
    batchCandidates(operations),
    options.batchOperation,
  );
  const directory = choose(
    'directory (a list with paging)',
    '--directory',
    directoryCandidates(operations),
    options.directoryOperation,
  );
  const key = keyFieldOf(batch);
  const recordType = pascal(singular(batch.records.path.split('.').at(-1)!));
  const graph = mapRecordSchema(recordType, batch.records.item, key);
  warnings.push(...graph.warnings);
  const maxItems = batch.keys.maxItems;
  if (maxItems === undefined) warnings.push('batch.maxBatchSize: the document gives no maxItems; 100 is a guess');
  const info = (document as { info?: { title?: string; description?: string } }).info;
  const hasHealth = operations.some((operation) => operation.method === 'GET' && operation.path === '/health');
  if (!hasHealth) warnings.push('health: the document has no GET /health; name a cheap read the system answers');
  warnings.push(`graph.description: describe Customer.${options.name}`);
  warnings.push('figures: none imported; add those the customer-360 snapshot should filter and sort by');
  const keyName =
    key === 'id' || key === 'key' ? `${words(singular(batch.records.path.split('.').at(-1)!))} id` : words(key);

  const declaration: RestConnectorDeclarationInput = {
    name: options.name,
    description: info?.description?.trim() || info?.title?.trim() || DESCRIBE_PLACEHOLDER,
    key: { name: keyName, normalise: /e-?mail/i.test(key) ? 'trim-lowercase' : 'none' },
    ...(() => {
      const auth = authOf(document, warnings);
      return auth ? { auth } : {};
    })(),
    batch:
      batch.keys.in === 'body'
        ? {
            method: 'POST',
            path: batch.operation.path,
            body: batch.keys.name,
            records: batch.records.path,
            key,
            maxBatchSize: maxItems ?? 100,
          }
        : {
            method: 'GET',
            path: batch.operation.path,
            query: batch.keys.name,
            style: batch.keys.explode ? 'repeat' : 'comma',
            records: batch.records.path,
            key,
            maxBatchSize: maxItems ?? 100,
          },
    directory: {
      path: directory.operation.path,
      records: directory.records.path,
      paging: directory.paging,
      entry: entryOf(directory, key, warnings),
    },
    health: '/health',
    graph: { record: recordType, description: DESCRIBE_PLACEHOLDER, types: graph.types, enums: graph.enums },
    figures: {},
  };
  if (!info?.description && !info?.title) warnings.push('description: the document has no title or description');
  return { declaration, warnings };
}

/**
 * The declaration as a YAML file for review: a header saying where it came from and listing the
 * warnings, then the declaration in the loader's order.
 */
export function declarationToYaml(
  declaration: RestConnectorDeclarationInput,
  warnings: readonly string[] = [],
  source?: string,
): string {
  const header = [
    `# Connector declaration for ${declaration.name}${source ? `, imported from ${source}` : ''}.`,
    '# Review it before use: the loader refuses any "TODO: describe" left in.',
    ...(warnings.length ? ['#', '# To review:', ...warnings.map((warning) => `# - ${warning}`)] : []),
  ];
  return `${header.join('\n')}\n${stringify(declaration, { lineWidth: 0, singleQuote: true })}`;
}
