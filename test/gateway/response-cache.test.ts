import { DEMO_PRINCIPAL } from '../../schema/principal';
import { ApolloServer } from '@apollo/server';
import { FreshnessLog, type RequestContext } from '../../connectors/kit';
import { ApolloServerPluginResponseCache } from '../../gateway/plugins/response-cache';

describe('the response cache plugin', () => {
  it('never stores the answer of a request that started before a clear', async () => {
    const cache = ApolloServerPluginResponseCache();
    let release!: () => void;
    let started!: () => void;
    // Resolved by the resolver as the slow request begins executing: the clear must come after.
    const slowStarted = new Promise<void>((resolve) => (started = resolve));
    let calls = 0;
    const server = new ApolloServer<RequestContext>({
      typeDefs: /* GraphQL */ `
        type Query {
          value: Int
        }
      `,
      resolvers: {
        Query: {
          value: async () => {
            calls += 1;
            if (calls === 1)
              await new Promise<void>((resolve) => {
                release = resolve;
                started();
              });
            return calls;
          },
        },
      },
      plugins: [cache.plugin],
    });
    await server.start();
    const context = (): Promise<RequestContext> =>
      Promise.resolve({ requestId: 'r', principal: DEMO_PRINCIPAL, freshness: new FreshnessLog(), scopes: new Map() });
    const run = async () => server.executeOperation({ query: '{ value }' }, { contextValue: await context() });
    const slow = run();
    await slowStarted;
    cache.clear(); // a change notice arrives while the slow request still holds old data
    release();
    await slow;
    const again = await run();
    expect(again.body.kind === 'single' && again.body.singleResult.data).toEqual({ value: 2 });
    expect(cache.hits).toBe(0);
    await server.stop();
  });
});
