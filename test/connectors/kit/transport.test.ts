import type { GraphQLError } from 'graphql';
import { z } from 'zod';
import { connectorConfigSchema } from '../../../config';
import { createSiloClient } from '../../../connectors/kit';
import { startMisbehavingSystem, type MisbehavingSystem } from '../../helpers/misbehaving-system';

const answer = z.object({ results: z.array(z.object({ id: z.string() })) });
const good = { kind: 'json', body: { results: [{ id: 'k1' }] } } as const;

/** What the client threw, as the hub error it must be. */
async function failure(promise: Promise<unknown>): Promise<GraphQLError> {
  try {
    await promise;
  } catch (error) {
    return error as GraphQLError;
  }
  throw new Error('expected the call to fail');
}

describe('createSiloClient against a misbehaving system', () => {
  let system: MisbehavingSystem;
  beforeAll(async () => {
    system = await startMisbehavingSystem();
  });
  afterAll(() => system.close());

  const client = (overrides: Record<string, unknown> = {}) =>
    createSiloClient(
      'credit',
      connectorConfigSchema.parse({
        url: system.url,
        timeoutMs: 300,
        maxResponseBytes: 1024 * 1024,
        retry: { baseDelayMs: 0 },
        ...overrides,
      }),
    );
  const lookup = (c = client()) => c.post('/profiles/lookup', { keys: ['k1'] }, answer, { read: true });

  it('ends a call whose body dribbles in a byte at a time at its deadline, with UPSTREAM_TIMEOUT', async () => {
    system.script({ kind: 'dribble', everyMs: 50 });
    const error = await failure(lookup());
    expect(error.extensions).toMatchObject({ code: 'UPSTREAM_TIMEOUT', connector: 'credit' });
    expect(error.message).toBe('The credit system did not answer within 300 ms');
  });

  it('stops reading an answer larger than maxResponseBytes', async () => {
    const before = system.bytesSent;
    system.script({ kind: 'huge', bytes: 100 * 1024 * 1024 });
    const error = await failure(lookup(client({ timeoutMs: 10_000 })));
    expect(error.extensions?.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(error.message).toBe('The credit system is unavailable: its answer is larger than 1048576 bytes');
    // The socket is dropped at the cap: the system could not push its 100 MiB.
    expect(system.bytesSent - before).toBeLessThan(50 * 1024 * 1024);
  });

  it('applies the size cap after decompression, so a gzip bomb stops at the cap', async () => {
    system.script({ kind: 'gzipBomb', inflatedBytes: 64 * 1024 * 1024 });
    const error = await failure(lookup(client({ timeoutMs: 10_000 })));
    expect(error.message).toBe('The credit system is unavailable: its answer is larger than 1048576 bytes');
  });

  it('reports a reset connection as UPSTREAM_UNAVAILABLE after its one retry', async () => {
    const before = system.requests;
    system.script({ kind: 'reset' }, { kind: 'reset' });
    const error = await failure(lookup());
    expect(error.extensions?.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(error.message).toBe('The credit system is unavailable: the connection was reset');
    expect(system.requests - before).toBe(2);
  });

  it('reports malformed JSON and a wrong shape as UPSTREAM_UNAVAILABLE, naming what was wrong', async () => {
    system.script({ kind: 'malformed' }, { kind: 'json', body: { results: [{ id: 7 }] } });
    expect((await failure(lookup())).message).toBe(
      'The credit system is unavailable: unexpected answer to POST /profiles/lookup: (body): Invalid input: expected object, received string',
    );
    expect((await failure(lookup())).message).toBe(
      'The credit system is unavailable: unexpected answer to POST /profiles/lookup: results.0.id: Invalid input: expected string, received number',
    );
  });

  it('reports a 200 whose body breaks off or will not decompress as such, not as "it answered HTTP 200"', async () => {
    system.script({ kind: 'cutOff' }, { kind: 'corruptGzip' });
    for (let i = 0; i < 2; i += 1)
      expect((await failure(lookup())).message).toBe(
        'The credit system is unavailable: its answer broke off or could not be decoded',
      );
  });

  it('retries a read through a 503 and answers', async () => {
    const before = system.requests;
    system.script({ kind: 'json', status: 503, body: {} }, good);
    await expect(lookup()).resolves.toEqual({ results: [{ id: 'k1' }] });
    expect(system.requests - before).toBe(2);
  });

  it('retries a 429 whose Retry-After is within maxDelayMs, and not one that asks for longer', async () => {
    const before = system.requests;
    system.script({ kind: 'json', status: 429, body: {}, headers: { 'retry-after': '0' } }, good);
    await expect(lookup()).resolves.toEqual({ results: [{ id: 'k1' }] });
    system.script({ kind: 'json', status: 429, body: {}, headers: { 'retry-after': '120' } }, good);
    expect((await failure(lookup())).message).toBe('The credit system is unavailable: it answered HTTP 429');
    expect(system.requests - before).toBe(3);
    await lookup(); // the scripted good answer left over
  });

  it('never retries a POST that is not marked as a read', async () => {
    const before = system.requests;
    system.script({ kind: 'json', status: 503, body: {} }, good);
    await failure(client().post('/profiles/lookup', {}, answer));
    expect(system.requests - before).toBe(1);
    await lookup();
  });

  it('fails at once, UPSTREAM_UNAVAILABLE, beyond maxInFlight requests and maxQueued waiting', async () => {
    const limited = client({ maxInFlight: 1, maxQueued: 0, timeoutMs: 10_000 });
    system.script({ kind: 'hold' });
    const first = lookup(limited);
    await system.whenHeld();
    const error = await failure(lookup(limited));
    expect(error.message).toBe('The credit system is unavailable: 1 requests are already in flight and 0 waiting');
    system.fallback = () => good;
    system.releaseHeld();
    await expect(first).resolves.toEqual({ results: [{ id: 'k1' }] });
  });
});
