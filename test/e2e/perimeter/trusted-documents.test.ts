import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { documentHash } from '../../../gateway/trusted-documents';
import { DELETE_SAVED_QUERY, LIST_SAVED_QUERIES, SAVE_QUERY } from '../../../schema/saved-query/client-operations';
import { ApiKeyRepository } from '../../../store/api-keys.repository';
import { startTestHub, type TestHub } from '../../helpers/hub';

const POP = /* GraphQL */ `
  query Pop($phone: String!) {
    customerByPhone(phone: $phone) {
      id
      credit {
        score
      }
    }
  }
`;
const POP_ID = documentHash(POP);

interface Answer {
  status: number;
  body: {
    data?: { customerByPhone: { id: string; credit: { score: number | null } | null } | null };
    errors?: Array<{ message: string; path?: unknown[]; extensions: { code: string } }>;
  };
}

describe('a hub that runs only trusted documents', () => {
  let t: TestHub;
  let phone: string;
  let sales: string;
  let integrator: string;
  let analyst: string;
  let admin: string;

  beforeAll(async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'sb-trusted-')), 'persisted-documents.json');
    writeFileSync(file, JSON.stringify({ [POP_ID]: POP }));
    t = await startTestHub({
      scale: 50,
      auth: { enabled: true, keyCacheSeconds: 0, trustedDocuments: { file } },
      responseCache: { maxEntries: 0 },
    });
    const keys = new ApiKeyRepository(t.hub.store.db);
    sales = (await keys.create('sales-desk', ['sales'])).token;
    integrator = (await keys.create('integration', ['integrator'])).token;
    analyst = (await keys.create('analysis', ['analyst'])).token;
    admin = (await keys.create('ops', ['admin'])).token;
    phone = t.silos.world.people.find((p) => p.keys.credit)!.phone;
  });
  afterAll(() => t.close());

  const post = async (token: string, body: Record<string, unknown>): Promise<Answer> => {
    const response = await fetch(t.hub.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Answer['body'] };
  };
  const get = async (token: string, parameters: Record<string, string>): Promise<Answer> => {
    const response = await fetch(`${t.hub.url}?${new URLSearchParams(parameters).toString()}`, {
      // A GET needs a header a browser form cannot send (Apollo's CSRF prevention).
      headers: {
        accept: 'application/graphql-response+json',
        authorization: `Bearer ${token}`,
        'apollo-require-preflight': 'true',
      },
    });
    return { status: response.status, body: (await response.json()) as Answer['body'] };
  };
  const variables = () => ({ phone });

  it('runs a registered document named by documentId, POST or GET, with the policy still applied', async () => {
    const byPost = await post(sales, { documentId: `sha256:${POP_ID}`, variables: variables() });
    expect(byPost.status).toBe(200);
    expect(byPost.body.data?.customerByPhone?.id).toMatch(/^cus_/);
    // Sales may not read credit scores: a trusted document is no way around the policy.
    expect(byPost.body.errors?.map((e) => [e.path, e.extensions.code])).toEqual([
      [['customerByPhone', 'credit', 'score'], 'FORBIDDEN'],
    ]);

    const byGet = await get(sales, { documentId: `sha256:${POP_ID}`, variables: JSON.stringify(variables()) });
    expect(byGet.status).toBe(200);
    expect(byGet.body.data).toEqual(byPost.body.data);
  });

  it('runs a registered document named by an automatic persisted query hash, or sent as its exact text', async () => {
    const apq = await post(sales, {
      variables: variables(),
      extensions: { persistedQuery: { version: 1, sha256Hash: POP_ID } },
    });
    expect(apq.status).toBe(200);
    expect(apq.body.data?.customerByPhone?.id).toMatch(/^cus_/);

    const text = await post(sales, { query: POP, variables: variables() });
    expect(text.status).toBe(200);
    expect(text.body.data).toEqual(apq.body.data);
  });

  it('refuses any other document before anything is asked of a system', async () => {
    const before = await t.siloRequests();
    const other = await post(sales, { query: '{ customers(first: 3) { nodes { id } } }' });
    expect(other.status).toBe(400);
    expect(other.body.errors?.map((e) => e.extensions.code)).toEqual(['PERSISTED_QUERY_NOT_IN_LIST']);
    expect(other.body.data).toBeUndefined();

    // The registered operation written differently is another document.
    const reformatted = await post(sales, { query: POP.replace(/\s+/g, ' '), variables: variables() });
    expect(reformatted.body.errors?.map((e) => e.extensions.code)).toEqual(['PERSISTED_QUERY_NOT_IN_LIST']);

    const unknown = await post(sales, { documentId: `sha256:${'0'.repeat(64)}` });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors?.map((e) => e.extensions.code)).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
    expect(await t.siloRequests()).toEqual(before);
  });

  it('lets an integrator send documents of their own', async () => {
    const own = await post(integrator, { query: '{ customers(first: 2) { nodes { id } } }' });
    expect(own.status).toBe(200);
    expect(own.body.errors).toBeUndefined();
  });

  it('runs every version of a saved query as a trusted document, by documentId or exact text', async () => {
    const LIST = '{ customers(first: 2) { nodes { id } } }';
    const NEXT = '{ customers(first: 3) { nodes { id } } }';
    expect((await post(sales, { query: LIST })).body.errors?.[0].extensions.code).toBe('PERSISTED_QUERY_NOT_IN_LIST');
    const save = /* GraphQL */ `
      mutation ($document: String!) {
        saveQuery(input: { name: "two-ids", description: "Two ids.", document: $document }) {
          documentId
        }
      }
    `;
    const saved = await post(admin, { query: save, variables: { document: LIST } });
    expect(saved.body.errors).toBeUndefined();
    await post(admin, { query: save, variables: { document: NEXT } });

    const byId = await post(sales, { documentId: `sha256:${documentHash(LIST)}` });
    expect(byId.status).toBe(200);
    expect((byId.body.data as unknown as { customers: { nodes: unknown[] } }).customers.nodes).toHaveLength(2);
    const byText = await post(analyst, { query: NEXT });
    expect(byText.status).toBe(200);
    expect((byText.body.data as unknown as { customers: { nodes: unknown[] } }).customers.nodes).toHaveLength(3);
  });

  it("runs the console's and the query CLI's own operations for an analyst, and nothing written differently", async () => {
    const listed = await post(analyst, { query: LIST_SAVED_QUERIES, variables: { search: 'win-back' } });
    expect(listed.status).toBe(200);
    expect((listed.body.data as unknown as { savedQueries: Array<{ name: string }> }).savedQueries).toEqual([
      expect.objectContaining({ name: 'win-back-list', pagingVariable: 'after' }),
    ]);
    const saved = await post(analyst, {
      query: SAVE_QUERY,
      variables: {
        input: { name: 'analyst-ids', description: 'Ids.', document: '{ customers(first: 1) { nodes { id } } }' },
      },
    });
    expect(saved.body.errors).toBeUndefined();
    const deleted = await post(analyst, { query: DELETE_SAVED_QUERY, variables: { name: 'analyst-ids' } });
    expect(deleted.body).toEqual({ data: { deleteSavedQuery: true } });
    const rewritten = await post(analyst, { query: LIST_SAVED_QUERIES.replace('  ', ' '), variables: {} });
    expect(rewritten.body.errors?.map((e) => e.extensions.code)).toEqual(['PERSISTED_QUERY_NOT_IN_LIST']);
  });

  it('still refuses an anonymous caller first', async () => {
    const response = await fetch(t.hub.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ documentId: `sha256:${POP_ID}`, variables: variables() }),
    });
    expect(response.status).toBe(401);
  });
});
