import type { Logger } from '@shop/platform';

export type BreakerState = 'closed' | 'open' | 'half-open';

export interface CircuitBreakerSettings {
  /** Consecutive failures that open the breaker; 0 never opens it. */
  failureThreshold: number;
  /** How long an open breaker refuses calls before it lets one trial call through. */
  coolDownMs: number;
}

/**
 * One subgraph's circuit breaker. Closed, every call goes through; after
 * `failureThreshold` consecutive failures it opens and calls fail at once,
 * so a subgraph that is down costs no time and no sockets; after the
 * cool-down one trial call goes through (half-open): its success closes the
 * breaker, its failure opens it again. Only state changes are logged.
 */
export class CircuitBreaker {
  private current: BreakerState = 'closed';
  private consecutiveFailures = 0;
  private openedAt = 0;
  private trialInFlight = false;

  constructor(
    readonly subgraph: string,
    private readonly settings: CircuitBreakerSettings,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  get state(): BreakerState {
    return this.current;
  }

  /**
   * Whether a call may go now. A true answer in half-open makes that call
   * the trial: it must be followed by `succeeded()` or `failed()`.
   */
  admit(): boolean {
    if (this.current === 'closed') return true;
    if (this.current === 'open') {
      if (this.now() - this.openedAt < this.settings.coolDownMs) return false;
      this.moveTo('half-open');
    }
    if (this.trialInFlight) return false;
    this.trialInFlight = true;
    return true;
  }

  succeeded(): void {
    this.trialInFlight = false;
    this.consecutiveFailures = 0;
    if (this.current !== 'closed') this.moveTo('closed');
  }

  failed(): void {
    this.trialInFlight = false;
    this.consecutiveFailures += 1;
    const threshold = this.settings.failureThreshold;
    const opens =
      this.current === 'half-open' ||
      (this.current === 'closed' && threshold > 0 && this.consecutiveFailures >= threshold);
    if (opens) {
      this.openedAt = this.now();
      this.moveTo('open');
    }
  }

  private moveTo(state: BreakerState): void {
    const from = this.current;
    this.current = state;
    const entry = {
      subgraph: this.subgraph,
      from,
      to: state,
      consecutiveFailures: this.consecutiveFailures,
    };
    if (state === 'open') this.log.warn(entry, 'subgraph circuit breaker opened');
    else this.log.info(entry, `subgraph circuit breaker ${state}`);
  }
}
