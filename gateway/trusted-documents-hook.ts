import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ErrorCode, internalError, storeUnavailable } from '../schema/errors';
import { isStoreUnavailable } from '../store/deadline';
import type { Principal } from '../schema/principal';
import { principalOf } from './auth/hook';
import type { TrustedDocuments } from './trusted-documents';

/** A GraphQL request's parameters as they arrive, body (POST) or query string (GET, where `extensions` is JSON text). */
interface RawParameters {
  query?: unknown;
  documentId?: unknown;
  extensions?: unknown;
}

function persistedHashOf(extensions: unknown): string | undefined {
  let value = extensions;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      return undefined; // Apollo says the extensions are not JSON
    }
  }
  const hash = (value as { persistedQuery?: { sha256Hash?: unknown } } | null)?.persistedQuery?.sha256Hash;
  return typeof hash === 'string' ? hash : undefined;
}

/** The extensions without `persistedQuery`, which this hook has dealt with (Apollo's own APQ is off). */
function withoutPersistedQuery(extensions: unknown): unknown {
  const parsed: unknown = typeof extensions === 'string' ? JSON.parse(extensions) : extensions;
  if (parsed === null || typeof parsed !== 'object') return undefined;
  const rest: Record<string, unknown> = { ...(parsed as Record<string, unknown>) };
  delete rest.persistedQuery;
  return Object.keys(rest).length === 0 ? undefined : rest;
}

/** Puts `query` in place of the id the caller sent, so Apollo runs the registered text. */
function runAs(request: FastifyRequest, parameters: RawParameters, query: string): void {
  const extensions = persistedHashOf(parameters.extensions) ? withoutPersistedQuery(parameters.extensions) : undefined;
  if (request.method === 'GET') {
    // Apollo reads a GET's parameters from the URL itself.
    const url = new URL(request.raw.url ?? '/', 'http://hub');
    url.searchParams.delete('documentId');
    url.searchParams.delete('extensions');
    url.searchParams.set('query', query);
    if (extensions !== undefined) url.searchParams.set('extensions', JSON.stringify(extensions));
    request.raw.url = `${url.pathname}${url.search}`;
    return;
  }
  const body: Record<string, unknown> = { ...(request.body as Record<string, unknown>), query };
  delete body.documentId;
  if (extensions === undefined) delete body.extensions;
  else body.extensions = extensions;
  request.body = body;
}

/**
 * Runs only registered documents on `path`, before Apollo parses anything: a request names one
 * by `documentId` (`sha256:<hash>`, GraphQL over HTTP's persisted documents) or an automatic
 * persisted query hash, or sends its full text, which must be one of them byte for byte. Callers
 * for whom `mayRunAnyDocument` holds (by default integrators and admins, who explore the graph)
 * may still send their own. An unknown id is `PERSISTED_QUERY_NOT_FOUND`, an unregistered text
 * `PERSISTED_QUERY_NOT_IN_LIST`, both HTTP 400 with nothing executed.
 */
export function registerTrustedDocuments(
  app: FastifyInstance,
  path: string,
  documents: TrustedDocuments,
  mayRunAnyDocument: (principal: Principal) => boolean,
): void {
  app.addHook('preHandler', async (request, reply) => {
    if (request.routeOptions.url !== path || (request.method !== 'GET' && request.method !== 'POST')) return;
    try {
      return await screen(request, reply);
    } catch (error) {
      // Saved queries are looked up in the store: one that does not answer runs nothing. Any other
      // failure is the hub's own, and its text is not for the client.
      const unavailable = isStoreUnavailable(error);
      const answer = unavailable ? storeUnavailable() : internalError();
      return reply
        .code(unavailable ? 503 : 500)
        .send({ errors: [{ message: answer.message, extensions: { code: answer.extensions.code } }] });
    }
  });

  async function screen(request: FastifyRequest, reply: FastifyReply) {
    const parameters = (request.method === 'GET' ? request.query : request.body) as RawParameters | undefined;
    if (parameters === null || typeof parameters !== 'object') return;
    const id =
      typeof parameters.documentId === 'string' ? parameters.documentId : persistedHashOf(parameters.extensions);
    const refuse = (code: ErrorCode, message: string) =>
      reply.code(400).send({ errors: [{ message, extensions: { code } }] });

    if (typeof parameters.query === 'string') {
      const text = parameters.query;
      if (!mayRunAnyDocument(principalOf(request)) && !(await documents.includes(text)))
        return refuse(
          ErrorCode.PERSISTED_QUERY_NOT_IN_LIST,
          'This hub runs only registered documents, and this one is not among them: send its documentId',
        );
      if (id !== undefined) runAs(request, parameters, text);
      return;
    }
    if (id === undefined) return; // neither: Apollo says what is missing
    const registered = await documents.byId(id);
    if (registered === undefined)
      return refuse(ErrorCode.PERSISTED_QUERY_NOT_FOUND, 'No registered document has this id');
    runAs(request, parameters, registered);
  }
}
