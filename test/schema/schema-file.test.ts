import { readFileSync } from 'node:fs';
import { isEnumType, isInputObjectType, isInterfaceType, isObjectType, type GraphQLSchema } from 'graphql';
import { buildDefaultGatewaySchema, renderSchemaFile, SCHEMA_FILE } from '../../gateway';

describe('the committed schema file', () => {
  let schema: GraphQLSchema;
  beforeAll(() => {
    schema = buildDefaultGatewaySchema();
  });

  it('matches the code (run `npm run schema` after changing the graph)', () => {
    expect(readFileSync(SCHEMA_FILE, 'utf8')).toBe(renderSchemaFile(schema));
  });

  it('exposes the contract root fields and hides the connectors merge fields', () => {
    const fields = Object.keys(schema.getQueryType()!.getFields()).sort();
    expect(fields).toEqual([
      'customer',
      'customerByEmail',
      'customerByPhone',
      'customers',
      'runSavedQuery',
      'savedQueries',
      'savedQuery',
    ]);
  });

  it('merges every department into Customer', () => {
    const customer = schema.getType('Customer');
    expect(isObjectType(customer) && Object.keys(customer.getFields())).toEqual(
      expect.arrayContaining(['id', 'name', 'emails', 'phones', 'links', 'accounting', 'sales', 'credit', 'support']),
    );
    expect(customer?.description).toMatch(/^A customer of the company/);
  });

  it('describes every type, field, argument and enum value', () => {
    const missing: string[] = [];
    const rootTypes = new Set([schema.getQueryType()?.name, schema.getMutationType()?.name]);
    for (const type of Object.values(schema.getTypeMap())) {
      if (type.name.startsWith('__') || ['String', 'Int', 'Float', 'Boolean', 'ID'].includes(type.name)) continue;
      // Root operation types are conventionally undescribed; their fields are checked below.
      if (!type.description && !rootTypes.has(type.name)) missing.push(type.name);
      if (isObjectType(type) || isInterfaceType(type) || isInputObjectType(type)) {
        for (const field of Object.values(type.getFields())) {
          if (!field.description) missing.push(`${type.name}.${field.name}`);
          for (const arg of 'args' in field ? field.args : [])
            if (!arg.description) missing.push(`${type.name}.${field.name}(${arg.name})`);
        }
      }
      if (isEnumType(type))
        for (const value of type.getValues()) if (!value.description) missing.push(`${type.name}.${value.name}`);
    }
    expect(missing).toEqual([]);
  });
});
