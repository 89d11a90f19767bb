import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import {
  declarationToYaml,
  importOpenApi,
  parseDeclaration,
  runConnectorImport,
} from '../../../connectors/declarative';
import { SILO_NAMES, startSilos, type RunningSilos } from '../../../silos';

/** A small hand-written OpenAPI 3.0 CRM: page paging, a GET batch with a comma list, 3.0 nullables and $refs. */
const CRM_30 = {
  openapi: '3.0.3',
  info: { title: 'Tiny CRM', version: '1' },
  components: {
    securitySchemes: { key: { type: 'apiKey', in: 'header', name: 'X-Api-Key' } },
    schemas: {
      Person: {
        type: 'object',
        description: 'A person in the CRM.',
        required: ['personId', 'first_name', 'last_name', 'tier', 'updatedAt'],
        properties: {
          personId: { type: 'string', description: 'The person id.' },
          first_name: { type: 'string', description: 'Given name.' },
          last_name: { type: 'string', description: 'Family name.' },
          workEmail: { type: 'string', nullable: true, description: 'Work address.' },
          tier: { type: 'string', enum: ['gold', 'silver'], description: 'Loyalty tier.' },
          updatedAt: { type: 'string', format: 'date-time', description: 'Last change.' },
          birthday: { type: 'string', format: 'date' },
          visits: { type: 'array', items: { type: 'integer' }, description: 'Visit counts per year.' },
        },
      },
    },
  },
  security: [{ key: [] }],
  paths: {
    '/people': {
      get: {
        operationId: 'listPeople',
        parameters: [
          { name: 'page', in: 'query', schema: { type: 'integer' } },
          { name: 'per_page', in: 'query', schema: { type: 'integer' } },
        ],
        responses: {
          '200': {
            description: 'A page.',
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  properties: {
                    results: { type: 'array', items: { $ref: '#/components/schemas/Person' } },
                    total: { type: 'integer' },
                  },
                },
              },
            },
          },
        },
      },
    },
    '/archived-people': {
      get: {
        operationId: 'listArchivedPeople',
        parameters: [
          { name: 'offset', in: 'query', schema: { type: 'integer' } },
          { name: 'limit', in: 'query', schema: { type: 'integer' } },
        ],
        responses: {
          '200': {
            description: 'A page.',
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  properties: {
                    items: { type: 'array', items: { $ref: '#/components/schemas/Person' } },
                    count: { type: 'integer' },
                  },
                },
              },
            },
          },
        },
      },
    },
    '/people/lookup': {
      get: {
        operationId: 'lookUpPeople',
        parameters: [
          {
            name: 'personIds',
            in: 'query',
            required: true,
            explode: false,
            schema: { type: 'array', maxItems: 50, items: { type: 'string' } },
          },
        ],
        responses: {
          '200': {
            description: 'Those found.',
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  properties: { people: { type: 'array', items: { $ref: '#/components/schemas/Person' } } },
                },
              },
            },
          },
        },
      },
    },
  },
};

describe('importing from OpenAPI', () => {
  let silos: RunningSilos;
  let marketingDocument: string;
  beforeAll(async () => {
    silos = await startSilos({
      scale: 50,
      seed: 7,
      only: [...SILO_NAMES, 'marketing'],
      ports: { accounting: 0, sales: 0, credit: 0, support: 0, marketing: 0 },
    });
    marketingDocument = `${silos.urls.marketing}/openapi.json`;
  });
  afterAll(() => silos.close());

  it("picks the marketing silo's batch read and cursor directory from its live 3.1 document", async () => {
    const { declaration } = await importOpenApi(marketingDocument, { name: 'marketing' });
    expect(declaration.batch).toEqual({
      method: 'POST',
      path: '/subscribers/batch',
      body: 'subscriberIds',
      records: 'subscribers',
      key: 'id',
      maxBatchSize: 1000,
    });
    expect(declaration.directory).toEqual({
      path: '/subscribers',
      records: 'subscribers',
      paging: { style: 'cursor', cursor: 'after', next: 'paging.after', size: 'limit' },
      entry: { key: 'id', name: 'name', emails: ['email'], phones: ['phone'], taxNumbers: [] },
    });
    expect(declaration.key).toEqual({ name: 'subscriber id', normalise: 'none' });
  });

  it('keeps the nullables OpenAPI 3.1 writes as type: [X, "null"], and only those', async () => {
    const { declaration } = await importOpenApi(marketingDocument, { name: 'marketing' });
    const { Subscriber, SubscriberCampaign } = declaration.graph.types;
    const nullable = (fields: Record<string, { nullable?: boolean }>) =>
      Object.keys(fields).filter((name) => fields[name].nullable === true);
    expect(nullable(Subscriber.fields)).toEqual(['phone']);
    expect(nullable(SubscriberCampaign.fields)).toEqual(['openedAt']);
    expect(Subscriber.fields.campaigns).toEqual({
      type: ['SubscriberCampaign'],
      description: 'The latest campaigns sent to the subscriber (at most 8), oldest first.',
    });
    expect(declaration.graph.enums?.SubscriberConsentState.values).toEqual({
      SUBSCRIBED: { description: 'TODO: describe', from: 'subscribed' },
      UNSUBSCRIBED: { description: 'TODO: describe', from: 'unsubscribed' },
      BOUNCED: { description: 'TODO: describe', from: 'bounced' },
    });
  });

  it('writes placeholders the loader refuses until the integrator has replaced them, and reports each', async () => {
    const { declaration, warnings } = await importOpenApi(marketingDocument, { name: 'marketing' });
    expect(warnings).toEqual([
      'graph.enums.SubscriberConsentState.values.SUBSCRIBED.description: the document gives no description; write one',
      'graph.enums.SubscriberConsentState.values.UNSUBSCRIBED.description: the document gives no description; write one',
      'graph.enums.SubscriberConsentState.values.BOUNCED.description: the document gives no description; write one',
      'graph.types.SubscriberCampaign.description: the document gives no description; write one',
      'graph.description: describe Customer.marketing',
      'figures: none imported; add those the customer-360 snapshot should filter and sort by',
    ]);
    const yaml = declarationToYaml(declaration, warnings, 'marketing.openapi.json');
    expect(yaml.split('\n').slice(0, 2)).toEqual([
      '# Connector declaration for marketing, imported from marketing.openapi.json.',
      '# Review it before use: the loader refuses any "TODO: describe" left in.',
    ]);
    expect(() => parseDeclaration(parse(yaml), 'marketing.yaml')).toThrow(
      'marketing.yaml: graph.description: replace the importer\'s placeholder "TODO: describe" with a description',
    );
  });

  it('says which directories a document offers when it has several, and takes the one it is told', async () => {
    await expect(importOpenApi(CRM_30, { name: 'crm' })).rejects.toThrow(
      'The document has several candidates for the directory (a list with paging); choose one with --directory (candidates: listPeople, listArchivedPeople)',
    );
    const { declaration } = await importOpenApi(CRM_30, { name: 'crm', directoryOperation: 'listPeople' });
    expect(declaration.directory).toEqual({
      path: '/people',
      records: 'results',
      paging: { style: 'page', page: 'page', size: 'per_page', total: 'total' },
      entry: {
        key: 'personId',
        firstName: 'first_name',
        lastName: 'last_name',
        emails: ['workEmail'],
        phones: [],
        taxNumbers: [],
      },
    });
  });

  it('imports a 3.0 document: a GET batch with a comma list, nullable: true, formats, enums and the API key header', async () => {
    const { declaration } = await importOpenApi(CRM_30, { name: 'crm', directoryOperation: 'listArchivedPeople' });
    expect(declaration.directory.paging).toEqual({ style: 'offset', offset: 'offset', size: 'limit', total: 'count' });
    expect(declaration.auth).toEqual({ type: 'header', header: 'X-Api-Key', credential: 'apiKey' });
    expect(declaration.batch).toEqual({
      method: 'GET',
      path: '/people/lookup',
      query: 'personIds',
      style: 'comma',
      records: 'people',
      key: 'personId',
      maxBatchSize: 50,
    });
    expect(declaration.graph.record).toBe('Person');
    expect(declaration.graph.types.Person.fields).toEqual({
      personId: { type: 'ID', description: 'The person id.' },
      firstName: { type: 'String', description: 'Given name.', from: 'first_name' },
      lastName: { type: 'String', description: 'Family name.', from: 'last_name' },
      workEmail: { type: 'String', description: 'Work address.', nullable: true },
      tier: { type: 'PersonTier', description: 'Loyalty tier.' },
      updatedAt: { type: 'DateTime', description: 'Last change.' },
      birthday: { type: 'LocalDate', description: 'TODO: describe', nullable: true },
      visits: { type: ['Int'], description: 'Visit counts per year.', nullable: true },
    });
  });
});

describe('switchboard connector import', () => {
  const run = async (...argv: string[]) => {
    const out = { stdout: '', stderr: '', files: new Map<string, string>() };
    const status = await runConnectorImport(argv, {
      stdout: (text) => (out.stdout += text),
      stderr: (text) => (out.stderr += text),
      writeFile: (file, text) => out.files.set(file, text),
    });
    return { status, ...out };
  };
  const USAGE =
    'Usage: switchboard connector import <openapi-url-or-file> --name <name> [--batch <operationId>] [--directory <operationId>] [--out <file>]\n';

  it.each([
    [['import', 'doc.json'], '--name is required'],
    [['import', '--name', 'crm'], 'missing the OpenAPI document (a URL or a file)'],
    [['import', 'doc.json', '--name', 'CRM'], '--name must be lower-case letters and digits, got "CRM"'],
    [['import', 'doc.json', '--name', 'crm', '--bach', 'x'], 'unknown option --bach'],
    [['import', 'doc.json', '--name'], '--name needs a value'],
    [['export', 'doc.json'], 'unknown connector command "export"'],
  ])('exits 2 with the usage line for %j', async (argv, problem) => {
    const result = await run(...argv);
    expect(result).toMatchObject({ status: 2, stdout: '', stderr: `${problem}\n${USAGE}` });
  });

  it('writes the declaration to review to --out and lists what to review', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'import-')), 'crm.json');
    writeFileSync(file, JSON.stringify(CRM_30));
    const result = await run('import', file, '--name', 'crm', '--directory', 'listPeople', '--out', 'crm.yaml');
    expect(result.status).toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr.split('\n')[0]).toBe('Wrote crm.yaml. Review 6 items before use:');
    expect(parse(result.files.get('crm.yaml')!)).toMatchObject({ name: 'crm', batch: { path: '/people/lookup' } });
  });

  it('exits 1 naming the candidates when the document is ambiguous', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'import-')), 'crm.json');
    writeFileSync(file, JSON.stringify(CRM_30));
    const result = await run('import', file, '--name', 'crm');
    expect(result).toMatchObject({
      status: 1,
      stderr:
        'The document has several candidates for the directory (a list with paging); choose one with --directory (candidates: listPeople, listArchivedPeople)\n',
    });
  });

  it('creates the folder of --out when it is missing, as the integrator guide writes it', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'import-'));
    const file = path.join(dir, 'crm.json');
    writeFileSync(file, JSON.stringify(CRM_30));
    const out = path.join(dir, 'connectors', 'crm', 'crm.yaml');
    const status = await runConnectorImport(
      ['import', file, '--name', 'crm', '--directory', 'listPeople', '--out', out],
      {
        stdout: () => undefined,
        stderr: () => undefined,
      },
    );
    expect(status).toBe(0);
    expect(parse(readFileSync(out, 'utf8'))).toMatchObject({ name: 'crm' });
  });

  it('refuses a record schema that refers to itself with a sentence, not a stack overflow', async () => {
    const cyclic = structuredClone(CRM_30) as typeof CRM_30 & {
      components: { schemas: { Person: { properties: Record<string, unknown> } } };
    };
    cyclic.components.schemas.Person.properties.manager = { $ref: '#/components/schemas/Person' };
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'import-')), 'cyclic.json');
    writeFileSync(file, JSON.stringify(cyclic));
    const result = await run('import', file, '--name', 'crm', '--directory', 'listPeople');
    expect(result).toMatchObject({
      status: 1,
      stderr:
        'The record schema refers to itself (Person -> PersonManager); declarations have no cycles: remove the field, or map it by hand\n',
    });
  });

  it('refuses an answer that is not an OpenAPI document, never reading a path the system names', async () => {
    const secret = path.join(mkdtempSync(path.join(tmpdir(), 'import-')), 'secret.yaml');
    writeFileSync(secret, 'openapi: 3.0.3\ninfo: { title: local, version: "1" }\npaths: {}\n');
    const server = createServer((_request, response) => response.end(secret));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/openapi.json`;
      const result = await run('import', url, '--name', 'crm');
      expect(result).toMatchObject({
        status: 1,
        stderr: `${url} answered something that is not an OpenAPI document\n`,
      });
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
