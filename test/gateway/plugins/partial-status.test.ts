import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginPartialStatus } from '../../../gateway/plugins/partial-status';
import { upstreamTimeout, upstreamUnavailable } from '../../../schema/errors';

const typeDefs = /* GraphQL */ `
  type Customer {
    name: String
    sales: String
    credit: String
  }
  type Query {
    customer: Customer
    required: String!
  }
`;

const resolvers = {
  Query: {
    customer: () => ({ name: 'Abigale Lowe' }),
    required: () => {
      throw upstreamUnavailable('sales', 'it answered HTTP 503');
    },
  },
  Customer: {
    sales: () => {
      throw upstreamUnavailable('sales', 'it answered HTTP 503');
    },
    credit: () => {
      throw upstreamTimeout('credit', 2000);
    },
  },
};

describe('ApolloServerPluginPartialStatus', () => {
  let server: ApolloServer;
  beforeAll(async () => {
    server = new ApolloServer({
      typeDefs,
      resolvers,
      plugins: [ApolloServerPluginPartialStatus()],
    });
    await server.start();
  });
  afterAll(() => server.stop());

  it('answers 200 with the data when some departments failed, keeping each error and its code', async () => {
    const response = await server.executeOperation({ query: '{ customer { name sales credit } }' });
    expect(response.http.status).toBe(200);
    if (response.body.kind !== 'single') throw new Error('expected a single result');
    const { data, errors } = response.body.singleResult;
    expect(data).toEqual({ customer: { name: 'Abigale Lowe', sales: null, credit: null } });
    expect(errors?.map((e) => [e.path, e.extensions?.code])).toEqual([
      [['customer', 'sales'], 'UPSTREAM_UNAVAILABLE'],
      [['customer', 'credit'], 'UPSTREAM_TIMEOUT'],
    ]);
  });

  it('keeps the error status for a request that produced no data at all', async () => {
    const response = await server.executeOperation({ query: '{ required }' });
    if (response.body.kind !== 'single') throw new Error('expected a single result');
    expect(response.body.singleResult.data).toBeNull();
    expect(response.http.status).toBe(502);
  });
});
