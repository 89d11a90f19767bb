import { measureAcceptBurst } from '../../bench/accept-burst';

describe('the accept-burst diagnostic', () => {
  it('reports every connection of a burst an idle server accepted, and how fast the client saw them open', async () => {
    const burst = await measureAcceptBurst(0, 20);
    expect(burst.acceptedAtMs).toHaveLength(20);
    expect(burst.connectedWithinMs).toBeGreaterThanOrEqual(0);
  });

  it('refuses a burst past the listen backlog, which would measure the kernel retrying', async () => {
    await expect(measureAcceptBurst(0, 501)).rejects.toThrow('a burst is 1 to 500 connections, got 501');
  });

  // What the README's account of the tail under 50 connections rests on: libuv (since 1.45)
  // takes one pending connection per turn of the event loop, so a burst the kernel has already
  // completed waits as many turns as it has connections. On a runtime that takes a whole burst
  // in one turn this fails, and the README is then stale.
  it('shows a busy server taking one connection of a burst per event-loop turn', async () => {
    const burst = await measureAcceptBurst(20, 10);
    expect(burst.acceptedAtMs).toHaveLength(10);
    // Nine turns of 20 ms at least between the first and the last, with room for timer rounding...
    expect(burst.spreadMs).toBeGreaterThanOrEqual(9 * 20 * 0.9);
    // ...while the client saw every connection open much sooner: the wait is the server's.
    expect(burst.connectedWithinMs).toBeLessThan(burst.spreadMs / 2);
  });
});
