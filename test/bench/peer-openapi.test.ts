import { departmentRoutesOnly, nullableAsOpenApi30, prepareForMesh } from '../../bench/peer-openapi';

describe('nullableAsOpenApi30', () => {
  it('turns a 3.1 type list with null into a 3.0 nullable type, at any depth', () => {
    const document = {
      openapi: '3.1.0',
      components: {
        schemas: {
          Account: {
            type: 'object',
            properties: {
              taxId: { type: ['string', 'null'], description: 'digits only' },
              invoices: {
                type: 'array',
                items: { type: 'object', properties: { paidOn: { type: ['null', 'string'] } } },
              },
              name: { type: 'string' },
            },
          },
        },
      },
    };
    expect(nullableAsOpenApi30(document)).toEqual({
      openapi: '3.0.3',
      components: {
        schemas: {
          Account: {
            type: 'object',
            properties: {
              taxId: { type: 'string', nullable: true, description: 'digits only' },
              invoices: {
                type: 'array',
                items: { type: 'object', properties: { paidOn: { type: 'string', nullable: true } } },
              },
              name: { type: 'string' },
            },
          },
        },
      },
    });
  });

  it('drops a null branch of anyOf and makes the rest nullable', () => {
    expect(nullableAsOpenApi30({ anyOf: [{ type: 'integer', minimum: 0 }, { type: 'null' }] })).toEqual({
      type: 'integer',
      minimum: 0,
      nullable: true,
    });
    expect(nullableAsOpenApi30({ oneOf: [{ type: 'integer' }, { type: 'string' }, { type: 'null' }] })).toEqual({
      oneOf: [{ type: 'integer' }, { type: 'string' }],
      nullable: true,
    });
  });

  it('writes a list of several non-null types as anyOf, and leaves the input untouched', () => {
    const input = { type: ['string', 'integer'] };
    expect(nullableAsOpenApi30(input)).toEqual({ anyOf: [{ type: 'string' }, { type: 'integer' }] });
    expect(input).toEqual({ type: ['string', 'integer'] });
  });

  it('leaves a property named "type" that is not a schema keyword alone', () => {
    // A property called `type` inside `properties` is an object, not a type list.
    const schema = { type: 'object', properties: { type: { type: 'string', enum: ['a', 'b'] } } };
    expect(nullableAsOpenApi30(schema)).toEqual(schema);
  });
});

describe('departmentRoutesOnly', () => {
  it("keeps the departments' routes with their 2xx answers, and leaves out the silos' operational routes", () => {
    const ok = { description: 'ok', content: {} };
    const document = {
      openapi: '3.1.0',
      paths: {
        '/_stats': { get: { responses: { 200: ok } } },
        '/_chaos': { post: { responses: { 200: ok } } },
        '/health': { get: { responses: { 200: ok } } },
        '/openapi.json': { get: { responses: { 200: ok } } },
        '/accounts/batch': { post: { summary: 'Read accounts', responses: { 200: ok, 400: ok, 503: ok } } },
      },
    };
    expect(departmentRoutesOnly(document)).toEqual({
      openapi: '3.1.0',
      paths: { '/accounts/batch': { post: { summary: 'Read accounts', responses: { 200: ok } } } },
    });
  });

  it('prepares a silo document as the benchmark feeds it to Mesh', () => {
    const prepared = prepareForMesh({
      openapi: '3.1.0',
      paths: {
        '/a': {
          get: { responses: { 200: { content: { 'application/json': { schema: { type: ['string', 'null'] } } } } } },
        },
      },
    });
    expect(prepared).toEqual({
      openapi: '3.0.3',
      paths: {
        '/a': {
          get: {
            responses: { 200: { content: { 'application/json': { schema: { type: 'string', nullable: true } } } } },
          },
        },
      },
    });
  });
});
