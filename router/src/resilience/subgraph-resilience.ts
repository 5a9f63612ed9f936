import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '@shop/platform';
import { CircuitBreaker, REFUSED, type BreakerState } from './circuit-breaker';
import {
  AttemptTimeoutError,
  SubgraphTimeoutError,
  SubgraphUnavailableError,
  unreachableSubgraphError,
} from './resilience-errors';
import { backoffDelayMs, isFailureStatus, isRetryableStatus } from './retry-backoff';

export interface ResilienceSettings {
  /** The time a subgraph call may take, retries and their waits included. */
  timeoutMs: number;
  /** Per subgraph, keyed by subgraphEnvKey(name) (SUBGRAPH_TIMEOUT_MS_<NAME>). */
  timeoutOverridesMs: Record<string, number>;
  /** Further tries of a query call after a connection error or a 502/503/504. */
  retries: number;
  retryBackoffMs: number;
  breakerFailures: number;
  breakerCoolDownMs: number;
}

/** How an attempt went, by its HTTP status; it threw if no answer came. */
export interface AttemptAnswer {
  status: number;
}

export interface AttemptLimits {
  /**
   * What is left of the call's time: past it the attempt must fail with
   * AttemptTimeoutError. A plain timer of the attempt's own, not an
   * AbortSignal.timeout: that one costs about 10 µs with its listener and
   * stays armed, weakly referenced, for the whole timeout after the answer
   * (six per request on the gateway benchmark's query).
   */
  timeoutMs: number;
}

export interface ResilientCall {
  subgraph: string;
  /** Queries only: a mutation is never sent twice. */
  retryable: boolean;
}

type Outcome<T> =
  { kind: 'answer'; answer: T } | { kind: 'timeout' } | { kind: 'unreachable'; error: unknown };

/** What the breaker counts as a failure: no answer, or one saying the subgraph is failing. */
const isFailedOutcome = (outcome: Outcome<AttemptAnswer>) =>
  outcome.kind !== 'answer' || isFailureStatus(outcome.answer.status);

/**
 * Timeouts, retries and a circuit breaker around the calls to each
 * subgraph. A call's timeout covers all its attempts, so no call waits
 * longer than its subgraph's timeout; it fails with an error naming the
 * subgraph (SUBGRAPH_TIMEOUT, SUBGRAPH_UNAVAILABLE when the breaker is
 * open, or the gateway's "fetch failed" for a subgraph that cannot be
 * reached), which the executor records while the rest of the plan runs.
 * The breaker is cockatiel's; the retry loop stays here because its rules
 * are this router's: one deadline for all attempts, no retry that could
 * not finish before it (the last answer is returned instead, a 502 as the
 * gateway would give it), mutations never retried.
 */
export class SubgraphResilience {
  private readonly breakers = new Map<string, CircuitBreaker<Outcome<AttemptAnswer>>>();

  constructor(
    private readonly settings: ResilienceSettings,
    private readonly log: Logger,
    private readonly envKeyOf: (subgraph: string) => string,
  ) {}

  breakerState(subgraph: string): BreakerState {
    return this.breakerOf(subgraph).state;
  }

  /** Every breaker made so far (one per subgraph called), with its state. */
  breakerStates(): { subgraph: string; state: BreakerState }[] {
    return [...this.breakers.values()].map(({ subgraph, state }) => ({ subgraph, state }));
  }

  timeoutOf(subgraph: string): number {
    return this.settings.timeoutOverridesMs[this.envKeyOf(subgraph)] ?? this.settings.timeoutMs;
  }

  async run<T extends AttemptAnswer>(
    call: ResilientCall,
    attempt: (limits: AttemptLimits) => Promise<T>,
  ): Promise<T> {
    const timeoutMs = this.timeoutOf(call.subgraph);
    const deadline = Date.now() + timeoutMs;
    const breaker = this.breakerOf(call.subgraph);
    const maxRetries = call.retryable ? this.settings.retries : 0;
    for (let retry = 0; ; retry++) {
      const outcome = (await breaker.run(() => this.attemptOnce(attempt, deadline))) as
        Outcome<T> | typeof REFUSED;
      if (outcome === REFUSED) throw new SubgraphUnavailableError(call.subgraph);
      if (!isFailedOutcome(outcome)) return (outcome as { answer: T }).answer;
      if (outcome.kind === 'timeout') throw new SubgraphTimeoutError(call.subgraph, timeoutMs);
      const retryable = outcome.kind === 'unreachable' || isRetryableStatus(outcome.answer.status);
      const wait = backoffDelayMs(retry + 1, this.settings.retryBackoffMs);
      // A retry that could not finish before the deadline would only delay the answer.
      if (!retryable || retry >= maxRetries || Date.now() + wait >= deadline) {
        if (outcome.kind === 'unreachable') {
          throw unreachableSubgraphError(call.subgraph, outcome.error);
        }
        return outcome.answer;
      }
      await sleep(wait);
    }
  }

  private async attemptOnce<T extends AttemptAnswer>(
    attempt: (limits: AttemptLimits) => Promise<T>,
    deadline: number,
  ): Promise<Outcome<T>> {
    const remainingMs = deadline - Date.now();
    if (remainingMs <= 0) return { kind: 'timeout' };
    try {
      return { kind: 'answer', answer: await attempt({ timeoutMs: remainingMs }) };
    } catch (error) {
      return error instanceof AttemptTimeoutError
        ? { kind: 'timeout' }
        : { kind: 'unreachable', error };
    }
  }

  private breakerOf(subgraph: string): CircuitBreaker<Outcome<AttemptAnswer>> {
    let breaker = this.breakers.get(subgraph);
    if (!breaker) {
      breaker = new CircuitBreaker(
        subgraph,
        {
          failureThreshold: this.settings.breakerFailures,
          coolDownMs: this.settings.breakerCoolDownMs,
        },
        isFailedOutcome,
        this.log,
      );
      this.breakers.set(subgraph, breaker);
    }
    return breaker;
  }
}
