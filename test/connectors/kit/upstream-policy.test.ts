import { AxiosError, AxiosHeaders } from 'axios';
import { createUpstreamPolicy } from '../../../connectors/kit/upstream-policy';

/** An axios error as a system's answer with `status` produces it. */
function answered(status: number, headers: Record<string, string> = {}): AxiosError {
  return new AxiosError(`HTTP ${status}`, 'ERR_BAD_RESPONSE', undefined, undefined, {
    status,
    statusText: '',
    headers: new AxiosHeaders(headers),
    config: { headers: new AxiosHeaders() },
    data: {},
  });
}

const settings = {
  timeoutMs: 60_000,
  retry: { maxAttempts: 2, baseDelayMs: 100, maxDelayMs: 5_000, budgetPercent: 10 },
  maxInFlight: 100,
  maxQueued: 0,
};

describe('createUpstreamPolicy', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('waits exactly what Retry-After asks before retrying a 429', async () => {
    const policy = createUpstreamPolicy(settings);
    let calls = 0;
    const done = policy.run(true, async () => {
      calls += 1;
      if (calls === 1) throw answered(429, { 'retry-after': '3' });
      return 'ok';
    });
    await jest.advanceTimersByTimeAsync(2_999);
    expect(calls).toBe(1);
    await jest.advanceTimersByTimeAsync(1);
    expect(calls).toBe(2);
    await expect(done).resolves.toBe('ok');
  });

  it('spends at most its retry budget on a system that fails everything', async () => {
    const policy = createUpstreamPolicy(settings);
    let calls = 0;
    const reads = Array.from({ length: 100 }, () =>
      policy
        .run(true, async () => {
          calls += 1;
          throw answered(503);
        })
        .catch(() => undefined),
    );
    await jest.advanceTimersByTimeAsync(10_000);
    await Promise.all(reads);
    // 100 reads; the budget starts with 10 retries and earns 10% of the reads: at most 20 retries.
    expect(calls).toBeGreaterThan(100);
    expect(calls).toBeLessThanOrEqual(120);
  });
});
