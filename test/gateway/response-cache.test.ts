import { ApolloServer, HeaderMap } from '@apollo/server';
import { DataSource } from '../../connectors/kit';
import { FreshnessLog, type RequestContext } from '../../gateway/runtime';
import { ApolloServerPluginResponseCache, type ResponseCacheOptions } from '../../gateway/plugins/response-cache';
import { DEMO_PRINCIPAL, type Principal } from '../../schema/principal';

/** A one-field server whose resolver counts its calls and records a record's freshness as a department would. */
async function serverWith(
  options: ResponseCacheOptions,
  freshFor: { ms: number | null; stale?: boolean } = { ms: null },
) {
  const cache = ApolloServerPluginResponseCache(options);
  let calls = 0;
  let gate: Promise<void> | null = null;
  let entered: (() => void) | null = null;
  const server = new ApolloServer<RequestContext>({
    typeDefs: /* GraphQL */ `
      type Query {
        value: Int
      }
    `,
    resolvers: {
      Query: {
        value: async (_root: unknown, _args: unknown, context: RequestContext) => {
          calls += 1;
          const at = options.now?.() ?? new Date();
          if (freshFor.ms !== null || freshFor.stale)
            context.freshness.note('credit', 'c-1', {
              fetchedAt: at,
              stale: freshFor.stale === true,
              source: DataSource.SYSTEM,
              freshUntil: new Date(at.getTime() + (freshFor.ms ?? 0)),
            });
          if (gate) {
            entered?.();
            await gate;
          }
          return calls;
        },
      },
    },
    plugins: cache.plugins,
  });
  await server.start();
  const run = async (principal: Principal = DEMO_PRINCIPAL, headers?: Record<string, string>, bulk?: boolean) => {
    const contextValue: RequestContext = {
      requestId: 'r',
      principal,
      freshness: new FreshnessLog(),
      scopes: new Map(),
      bulk,
    };
    const http = headers
      ? { method: 'POST', headers: new HeaderMap(Object.entries(headers)), search: '', body: {} }
      : undefined;
    const response = await server.executeOperation({ query: '{ value }', http }, { contextValue });
    return {
      value: response.body.kind === 'single' ? response.body.singleResult.data?.value : undefined,
      hit: response.http.headers.get('x-switchboard-cache') === 'hit',
    };
  };
  return {
    cache,
    run,
    /** Holds the next execution inside its resolver: `entered` resolves once it is there. */
    hold: () => {
      let release!: () => void;
      gate = new Promise<void>((resolve) => (release = resolve));
      const inside = new Promise<void>((resolve) => (entered = resolve));
      return {
        entered: inside,
        release: () => {
          gate = null;
          release();
        },
      };
    },
    stop: () => server.stop(),
  };
}

const sales: Principal = { ...DEMO_PRINCIPAL, id: 'key:sales', roles: new Set(['sales']) };

describe('the response cache plugin', () => {
  it('replays a repeated query for a caller with the same roles, and executes it for other roles', async () => {
    const s = await serverWith({});
    try {
      expect(await s.run()).toEqual({ value: 1, hit: false });
      expect(await s.run()).toEqual({ value: 1, hit: true });
      expect(await s.run(sales)).toEqual({ value: 2, hit: false });
      expect(await s.run(sales)).toEqual({ value: 2, hit: true });
      expect(s.cache.hits).toBe(2);
    } finally {
      await s.stop();
    }
  });

  it("neither replays nor keeps a page of an export, and leaves what it kept for others' requests", async () => {
    const s = await serverWith({});
    try {
      expect(await s.run()).toEqual({ value: 1, hit: false });
      // A bulk run of the same document is executed, though an answer to it is kept...
      expect(await s.run(DEMO_PRINCIPAL, undefined, true)).toEqual({ value: 2, hit: false });
      // ...and its own answer did not replace that one.
      expect(await s.run()).toEqual({ value: 1, hit: true });
      expect(await s.run(sales, undefined, true)).toEqual({ value: 3, hit: false });
      expect(await s.run(sales)).toEqual({ value: 4, hit: false });
    } finally {
      await s.stop();
    }
  });

  it('keeps an answer until the earliest freshUntil of its data, by the hub clock', async () => {
    let clock = new Date('2026-12-01T10:00:00Z');
    const s = await serverWith({ now: () => clock, maxAgeSeconds: 600 }, { ms: 10_000 });
    try {
      await s.run();
      clock = new Date(clock.getTime() + 9_000);
      expect((await s.run()).hit).toBe(true);
      clock = new Date(clock.getTime() + 1_001);
      expect(await s.run()).toEqual({ value: 2, hit: false });
    } finally {
      await s.stop();
    }
  });

  it('never keeps an answer past maxAgeSeconds, nor one that served stale data', async () => {
    let clock = new Date('2026-12-01T10:00:00Z');
    const capped = await serverWith({ now: () => clock, maxAgeSeconds: 5 }, { ms: 60_000 });
    const stale = await serverWith({ now: () => clock }, { ms: null, stale: true });
    try {
      await capped.run();
      expect((await capped.run()).hit).toBe(true);
      clock = new Date(clock.getTime() + 5_000);
      expect((await capped.run()).hit).toBe(false);

      await stale.run();
      expect(await stale.run()).toEqual({ value: 2, hit: false });
    } finally {
      await Promise.all([capped.stop(), stale.stop()]);
    }
  });

  it('executes a request that says Cache-Control: no-cache, and keeps its answer', async () => {
    const s = await serverWith({});
    try {
      await s.run();
      expect(await s.run(DEMO_PRINCIPAL, { 'cache-control': 'no-cache' })).toEqual({ value: 2, hit: false });
      expect(await s.run()).toEqual({ value: 2, hit: true });
    } finally {
      await s.stop();
    }
  });

  it('never stores the answer of a request that started before a clear', async () => {
    const s = await serverWith({});
    try {
      const held = s.hold();
      const slow = s.run();
      await held.entered;
      s.cache.clear(); // a change notice arrives while the slow request still holds old data
      held.release();
      expect(await slow).toEqual({ value: 1, hit: false });
      expect(await s.run()).toEqual({ value: 2, hit: false });
      expect(s.cache.hits).toBe(0);
    } finally {
      await s.stop();
    }
  });

  it('keeps nothing when its byte budget is smaller than an answer', async () => {
    const s = await serverWith({ maxBytes: 10 });
    try {
      await s.run();
      expect(await s.run()).toEqual({ value: 2, hit: false });
    } finally {
      await s.stop();
    }
  });

  it('is off with maxEntries 0', async () => {
    const s = await serverWith({ maxEntries: 0 });
    try {
      await s.run();
      expect(await s.run()).toEqual({ value: 2, hit: false });
    } finally {
      await s.stop();
    }
  });

  it('keeps no answer computed on a schema that is no longer the one served (a reload replaced it)', async () => {
    let serving = true;
    const s = await serverWith({ isServing: () => serving });
    try {
      serving = false; // as if a reload had swapped the graph while this request ran on the old one
      await s.run();
      serving = true;
      expect(await s.run()).toEqual({ value: 2, hit: false });
      expect(await s.run()).toEqual({ value: 2, hit: true });
    } finally {
      await s.stop();
    }
  });
});
