import { SystemBreaker, isBreakerOpenError } from '../../../gateway/runtime';
import { onlyDateFaked } from '../../helpers/fake-date';

// cockatiel reads the time from Date.now(): only Date is faked, so promises and I/O run as usual.

const settings = { failureRate: 0.8, windowSeconds: 10, minimumRequests: 5, resetSeconds: 10 };

/** Runs `outcomes` through the breaker, one call each; says what reached the system. */
async function drive(breaker: SystemBreaker, outcomes: boolean[]) {
  let reached = 0;
  let refused = 0;
  for (const ok of outcomes) {
    try {
      await breaker.execute(async () => {
        reached += 1;
        if (!ok) throw new Error('HTTP 503');
      });
    } catch (error) {
      if (isBreakerOpenError(error)) refused += 1;
    }
    jest.advanceTimersByTime(50);
  }
  return { reached, refused };
}

describe('SystemBreaker', () => {
  beforeEach(() => {
    jest.useFakeTimers(onlyDateFaked(new Date('2030-01-01T00:00:00Z')));
  });
  afterEach(() => jest.useRealTimers());

  it('keeps calling a system that fails half its calls, even in runs of five failures', async () => {
    const breaker = new SystemBreaker('credit', settings);
    const halfFailing = Array.from({ length: 100 }, (_, i) => Math.floor(i / 5) % 2 === 0);
    expect(await drive(breaker, halfFailing)).toEqual({ reached: 100, refused: 0 });
  });

  it('opens when most calls in the window fail, refuses calls while open, and closes after a good trial', async () => {
    const breaker = new SystemBreaker('credit', settings);
    const opened = await drive(
      breaker,
      Array.from({ length: 10 }, () => false),
    );
    expect(breaker.isOpen).toBe(true);
    expect(opened.refused).toBeGreaterThan(0);
    expect(await drive(breaker, [true, true])).toEqual({ reached: 0, refused: 2 });
    jest.advanceTimersByTime(settings.resetSeconds * 1000);
    expect(await drive(breaker, [true, true, true])).toEqual({ reached: 3, refused: 0 });
    expect(breaker.isOpen).toBe(false);
  });

  it('does not open on fewer calls than the minimum, however many of them fail', async () => {
    const breaker = new SystemBreaker('credit', { ...settings, minimumRequests: 20 });
    expect(
      await drive(
        breaker,
        Array.from({ length: 15 }, () => false),
      ),
    ).toEqual({ reached: 15, refused: 0 });
  });
});
