import { buildSchema, GraphQLError } from 'graphql';
import { fromQueryString } from '../../gateway/saved-query-export';

const schema = buildSchema(/* GraphQL */ `
  input Range {
    from: Int
  }
  type Query {
    probe(tags: [String!], sizes: [Int!], range: Range, first: Int, flag: Boolean): Int
  }
`);
const typeOf = (argument: string) =>
  schema
    .getQueryType()!
    .getFields()
    .probe.args.find((arg) => arg.name === argument)!.type;

describe('a variable read from the query string by its declared type', () => {
  it('reads a list from repeated parameters, from one JSON array, or from one plain value', () => {
    expect(fromQueryString(['D', 'E'], typeOf('tags'), 'tags')).toEqual(['D', 'E']);
    expect(fromQueryString('["D","E"]', typeOf('tags'), 'tags')).toEqual(['D', 'E']);
    expect(fromQueryString('D', typeOf('tags'), 'tags')).toEqual(['D']);
    expect(fromQueryString(['1', '2'], typeOf('sizes'), 'sizes')).toEqual([1, 2]);
  });

  it('takes an item that itself starts with [ when it is written as a JSON array', () => {
    expect(fromQueryString('["[vip]"]', typeOf('tags'), 'tags')).toEqual(['[vip]']);
  });

  it('refuses a single list value that starts with [ but is not JSON, naming the variable', () => {
    let thrown: unknown;
    try {
      fromQueryString('[vip]', typeOf('tags'), 'tags');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(GraphQLError);
    expect((thrown as GraphQLError).message).toBe('Variable "$tags" is not valid JSON: [vip]');
    expect((thrown as GraphQLError).extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
  });

  it('reads numbers, booleans and input objects, and passes on what does not convert for GraphQL to refuse', () => {
    expect(fromQueryString('5', typeOf('first'), 'first')).toBe(5);
    expect(fromQueryString('many', typeOf('first'), 'first')).toBe('many');
    expect(fromQueryString('true', typeOf('flag'), 'flag')).toBe(true);
    expect(fromQueryString('{"from":3}', typeOf('range'), 'range')).toEqual({ from: 3 });
  });
});
