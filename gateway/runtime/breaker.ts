import {
  CircuitState,
  circuitBreaker,
  SamplingBreaker,
  handleAll,
  isBrokenCircuitError,
  type CircuitBreakerPolicy,
} from 'cockatiel';
import type { GraphQLError } from 'graphql';
import { upstreamUnavailable } from '../../schema/errors';

/** Breaker settings, from the connector's configuration. */
export interface BreakerSettings {
  /** Share of the window's calls that must fail to open the breaker, strictly between 0 and 1. */
  failureRate: number;
  /** The window the failure rate is measured over. */
  windowSeconds: number;
  /** Fewer calls than this in the window never open the breaker (a quiet hub's two failures are not a trend). */
  minimumRequests: number;
  /** How long the breaker stays open before one trial request. */
  resetSeconds: number;
}

/**
 * A circuit breaker around one system's requests (cockatiel's `SamplingBreaker`): when more
 * than `failureRate` of the calls in the last `windowSeconds` failed, and there were at least
 * `minimumRequests` of them, it stops calling the system for `resetSeconds`, then lets one trial
 * request through. While open, calls fail at once with UPSTREAM_UNAVAILABLE, so a dead system
 * costs no timeouts and the cache can serve its last known data straight away.
 *
 * A rate, not a run of consecutive failures: a system failing half its calls meets runs of five
 * failures all the time, and a consecutive breaker would then refuse it nearly every read; a
 * flaky system should lose reads in proportion to its flakiness. (cockatiel reads the time from
 * `Date.now()`, so tests move the window with a fake `Date`.)
 */
export class SystemBreaker {
  private readonly policy: CircuitBreakerPolicy;

  constructor(
    private readonly connector: string,
    settings: BreakerSettings,
  ) {
    this.policy = circuitBreaker(handleAll, {
      halfOpenAfter: settings.resetSeconds * 1000,
      breaker: new SamplingBreaker({
        threshold: settings.failureRate,
        duration: settings.windowSeconds * 1000,
        // cockatiel asks for a rate; the setting is a count per window, which is what operators reason in.
        minimumRps: settings.minimumRequests / settings.windowSeconds,
      }),
    });
  }

  /** Runs `call` through the breaker. */
  async execute<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await this.policy.execute(call);
    } catch (error) {
      if (isBrokenCircuitError(error)) throw breakerOpen(this.connector);
      throw error;
    }
  }

  /** True while the breaker refuses calls. */
  get isOpen(): boolean {
    return this.policy.state === CircuitState.Open;
  }
}

function breakerOpen(connector: string): GraphQLError {
  const error = upstreamUnavailable(connector, 'its circuit breaker is open after repeated failures');
  error.extensions.breaker = 'open';
  return error;
}

/** True for the error SystemBreaker throws while open. */
export function isBreakerOpenError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as GraphQLError).extensions?.breaker === 'open';
}
