/**
 * Fakes only `Date`, for clocks read through `Date.now()` (cockatiel's breaker): sockets, timers
 * and promises run as usual, and a test moves the clock with `jest.setSystemTime`.
 *
 * @example
 * jest.useFakeTimers(onlyDateFaked(new Date('2030-01-01T00:00:00Z')));
 */
export function onlyDateFaked(now: Date | number): Parameters<typeof jest.useFakeTimers>[0] {
  return {
    now,
    doNotFake: [
      'hrtime',
      'nextTick',
      'performance',
      'queueMicrotask',
      'setImmediate',
      'clearImmediate',
      'setInterval',
      'clearInterval',
      'setTimeout',
      'clearTimeout',
    ],
  };
}
