import {
  CircuitState,
  circuitBreaker,
  ConsecutiveBreaker,
  handleAll,
  isBrokenCircuitError,
  type CircuitBreakerPolicy,
} from 'cockatiel';
import type { GraphQLError } from 'graphql';
import { upstreamUnavailable } from '../../schema/errors';

/** Breaker settings, from the connector's configuration. */
export interface BreakerSettings {
  failureThreshold: number;
  resetSeconds: number;
}

/**
 * A circuit breaker around one system's requests (cockatiel): after `failureThreshold`
 * consecutive failures it stops calling the system for `resetSeconds`, then lets one trial
 * request through. While open, calls fail at once with UPSTREAM_UNAVAILABLE, so a dead system
 * costs no timeouts and the cache can serve its last known data straight away.
 */
export class SystemBreaker {
  private readonly policy: CircuitBreakerPolicy;

  constructor(
    private readonly connector: string,
    settings: BreakerSettings,
  ) {
    this.policy = circuitBreaker(handleAll, {
      halfOpenAfter: settings.resetSeconds * 1000,
      breaker: new ConsecutiveBreaker(settings.failureThreshold),
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
