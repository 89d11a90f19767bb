import { ApolloServer } from '@apollo/server';
import { buildSchema } from 'graphql';
import { FreshnessLog, type RequestContext } from '../../gateway/runtime';
import { createSchemaSwap, type ServedGraph } from '../../gateway/schema-swap';
import { DEMO_PRINCIPAL } from '../../schema/principal';

/** A tiny generation whose `version` answers the name in the request scope its generation created. */
function graph(sdl: string, name: string, hold?: Promise<void>): ServedGraph & { resolved: Promise<void> } {
  const schema = buildSchema(sdl);
  let started: () => void = () => undefined;
  const resolved = new Promise<void>((resolve) => (started = resolve));
  schema.getQueryType()!.getFields().version.resolve = async (_source, _args, context: RequestContext) => {
    started();
    await hold;
    return context.scopes.get('graph');
  };
  return {
    schema,
    resolved,
    createContext: ({ id = 'request', principal }) => ({
      requestId: id,
      principal,
      freshness: new FreshnessLog(),
      scopes: new Map([['graph', name]]),
    }),
  };
}

const V1 = /* GraphQL */ `
  type Query {
    version: String
  }
`;
const V2 = /* GraphQL */ `
  type Query {
    version: String
    extra: Int
  }
`;

async function serve(initial: ServedGraph) {
  const swap = createSchemaSwap(initial);
  const apollo = new ApolloServer<RequestContext>({ gateway: swap.gateway, plugins: [swap.plugin] });
  await apollo.start();
  const run = async (query: string, contextValue = swap.createContext({ principal: DEMO_PRINCIPAL })) => {
    const response = await apollo.executeOperation({ query }, { contextValue });
    if (response.body.kind !== 'single') throw new Error('expected a single result');
    return response.body.singleResult;
  };
  return { swap, apollo, run };
}

describe('the schema swap', () => {
  it('finishes an operation on the schema it was validated against, and resolves the swap only once it is answered', async () => {
    let release: () => void = () => undefined;
    const one = graph(V1, 'one', new Promise<void>((resolve) => (release = resolve)));
    const { swap, apollo, run } = await serve(one);
    const underWay = run('{ version }');
    await one.resolved;

    const events: string[] = [];
    const two = graph(V2, 'two');
    const retired = swap.swap(two).then((previous) => {
      events.push('retired');
      return previous;
    });
    expect(await run('{ version extra }')).toEqual({ data: { version: 'two', extra: null } });
    expect(events).toEqual([]);

    // Not retired while the first operation still runs on it; retired once it is answered.
    release();
    expect(await underWay).toEqual({ data: { version: 'one' } });
    expect(await retired).toBe(one);
    expect(events).toEqual(['retired']);
    await apollo.stop();
  });

  it('validates against the new schema as soon as it is swapped in', async () => {
    const { swap, apollo, run } = await serve(graph(V1, 'one'));
    expect((await run('{ extra }')).errors?.[0]?.message).toBe('Cannot query field "extra" on type "Query".');
    await swap.swap(graph(V2, 'two'));
    expect(await run('{ extra }')).toEqual({ data: { extra: null } });
    await apollo.stop();
  });

  it('gives a context created just before a swap the scopes of the generation it is validated on', async () => {
    const { swap, apollo, run } = await serve(graph(V1, 'one'));
    const early = swap.createContext({ principal: DEMO_PRINCIPAL });
    await swap.swap(graph(V2, 'two'));
    expect(await run('{ version }', early)).toEqual({ data: { version: 'two' } });
    await apollo.stop();
  });

  it('resolves a swap at once when nothing runs on the previous generation', async () => {
    const one = graph(V1, 'one');
    const { swap, apollo } = await serve(one);
    expect(await swap.swap(graph(V2, 'two'))).toBe(one);
    await apollo.stop();
  });
});
