import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildSchema } from 'graphql';
import { documentHash, loadTrustedDocuments } from '../../gateway/trusted-documents';

const schema = buildSchema(/* GraphQL */ `
  type Query {
    hello(name: String): String
  }
`);
const HELLO = '{ hello }';
// Written by hand (`printf '{ hello }' | sha256sum`), not recomputed the way the code does.
const HELLO_SHA256 = '001c3174e099bd72b729d0c0a529ba9f5a740c446e2a6e1d71b283cb84ec3065';

function fileWith(content: string): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'sb-trusted-')), 'documents.json');
  writeFileSync(file, content);
  return file;
}

describe('trusted documents', () => {
  it('hashes a document the way manifests name it, SHA-256 of its text in hex', () => {
    expect(documentHash(HELLO)).toBe(HELLO_SHA256);
  });

  it("reads GraphQL Codegen's persisted-documents.json, by bare id or sha256: id", () => {
    const documents = loadTrustedDocuments(fileWith(JSON.stringify({ [HELLO_SHA256]: HELLO })), schema);
    expect(documents.size).toBe(1);
    expect(documents.byId(HELLO_SHA256)).toBe(HELLO);
    expect(documents.byId(`sha256:${HELLO_SHA256}`)).toBe(HELLO);
    expect(documents.byId('0'.repeat(64))).toBeUndefined();
    expect(documents.includes(HELLO)).toBe(true);
    // Byte for byte: the same operation written differently is another document.
    expect(documents.includes('{hello}')).toBe(false);
  });

  it('reads an Apollo persisted query manifest', () => {
    const manifest = {
      format: 'apollo-persisted-query-manifest',
      version: 1,
      operations: [{ id: 'hello-v1', name: 'Hello', type: 'query', body: 'query Hello { hello }' }],
    };
    const documents = loadTrustedDocuments(fileWith(JSON.stringify(manifest)), schema);
    expect(documents.byId('hello-v1')).toBe('query Hello { hello }');
    expect(documents.includes('query Hello { hello }')).toBe(true);
  });

  it('refuses at start a document that does not run against the schema, naming it', () => {
    const file = fileWith(JSON.stringify({ old: '{ goodbye }' }));
    expect(() => loadTrustedDocuments(file, schema)).toThrow(
      `Document old in ${file} does not run against this hub's schema: Cannot query field "goodbye" on type "Query".`,
    );
  });

  it('refuses a file that is not JSON, or not one of the two formats, naming the file and the setting', () => {
    const broken = fileWith('{ nope');
    expect(() => loadTrustedDocuments(broken, schema)).toThrow(
      `The trusted documents file ${broken} (auth.trustedDocuments.file) could not be read as JSON`,
    );
    const wrong = fileWith(JSON.stringify({ operations: 3 }));
    expect(() => loadTrustedDocuments(wrong, schema)).toThrow(
      `The trusted documents file ${wrong} (auth.trustedDocuments.file) is neither an object of id to document`,
    );
    expect(() => loadTrustedDocuments('/nonexistent/documents.json', schema)).toThrow('could not be read as JSON');
  });
});
