import { measureAcceptBurst } from '../../bench/accept-burst';

describe('the accept-burst diagnostic', () => {
  it('reports when an idle server accepted each connection of a burst, in order from the first', async () => {
    const burst = await measureAcceptBurst(0, 20);
    expect(burst.acceptedAtMs).toHaveLength(20);
    expect(burst.acceptedAtMs[0]).toBe(0);
    expect(burst.acceptedAtMs).toEqual([...burst.acceptedAtMs].sort((a, b) => a - b));
    expect(burst.spreadMs).toBe(burst.acceptedAtMs[19]);
  });

  // What the README's account of the tail under 50 connections rests on: Node 20's libuv takes
  // one pending connection per turn of the event loop, so a burst waits as many turns as it has
  // connections. A Node that takes them all in one turn fails this, and the README is then stale.
  it('shows a busy server taking one connection of a burst per event-loop turn', async () => {
    const burst = await measureAcceptBurst(20, 10);
    expect(burst.acceptedAtMs).toHaveLength(10);
    // Nine turns of 20 ms at least between the first and the last, with room for timer rounding.
    expect(burst.spreadMs).toBeGreaterThanOrEqual(9 * 20 * 0.9);
  });
});
