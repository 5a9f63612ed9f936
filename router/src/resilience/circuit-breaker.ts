import {
  BrokenCircuitError,
  CircuitState,
  ConsecutiveBreaker,
  circuitBreaker,
  handleWhenResult,
  type CircuitBreakerPolicy,
} from 'cockatiel';
import type { Logger } from '@shop/platform';

export type BreakerState = 'closed' | 'open' | 'half-open';

/** The states as numbers, for the router_subgraph_breaker_state gauge. */
export const BREAKER_STATE_VALUES: Record<BreakerState, number> = {
  closed: 0,
  'half-open': 1,
  open: 2,
};

export interface CircuitBreakerSettings {
  /** Consecutive failures that open the breaker; 0 never opens it. */
  failureThreshold: number;
  /** How long an open breaker refuses calls before it lets one trial call through. */
  coolDownMs: number;
}

/** What a call through the breaker may answer instead of running: it is open. */
export const REFUSED = Symbol('refused by an open circuit breaker');

const STATE_NAMES: Record<CircuitState, BreakerState> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.HalfOpen]: 'half-open',
  [CircuitState.Open]: 'open',
  // Isolation is a manual hold this router never asks for.
  [CircuitState.Isolated]: 'open',
};

/**
 * One subgraph's circuit breaker, on cockatiel's: closed, every call goes
 * through; after `failureThreshold` consecutive failures it opens and calls
 * are refused at once, so a subgraph that is down costs no time and no
 * sockets; after the cool-down one trial call goes through (half-open),
 * the calls that come meanwhile wait for its outcome: its success closes the
 * breaker and lets them go, its failure opens it again and refuses them. A failure is what `isFailure` says of a call's result (a call
 * here answers its outcome rather than throwing). Only state changes are
 * logged.
 */
export class CircuitBreaker<T> {
  private readonly policy: CircuitBreakerPolicy;
  private current: BreakerState = 'closed';

  constructor(
    readonly subgraph: string,
    settings: CircuitBreakerSettings,
    isFailure: (result: T) => boolean,
    private readonly log: Logger,
  ) {
    this.policy = circuitBreaker(
      handleWhenResult((result) => isFailure(result as T)),
      {
        halfOpenAfter: settings.coolDownMs,
        // A threshold of 0 never opens: no count of failures reaches infinity.
        breaker: new ConsecutiveBreaker(settings.failureThreshold || Infinity),
      },
    );
    this.policy.onStateChange((state) => this.moveTo(STATE_NAMES[state]));
  }

  get state(): BreakerState {
    return this.current;
  }

  /** Runs `call` unless the breaker refuses it (REFUSED), and counts its result. */
  async run(call: () => Promise<T>): Promise<T | typeof REFUSED> {
    try {
      return await this.policy.execute(call);
    } catch (error) {
      if (error instanceof BrokenCircuitError) return REFUSED;
      throw error;
    }
  }

  private moveTo(state: BreakerState): void {
    const from = this.current;
    this.current = state;
    const entry = { subgraph: this.subgraph, from, to: state };
    if (state === 'open') this.log.warn(entry, 'subgraph circuit breaker opened');
    else this.log.info(entry, `subgraph circuit breaker ${state}`);
  }
}
