import type { Identity } from '@shop/identity';
import { Counter, Gauge, type Registry } from 'prom-client';
import { BREAKER_STATE_VALUES, type BreakerState } from '../resilience/circuit-breaker';

/**
 * Each subgraph's circuit breaker, read at each scrape: 0 closed, 1
 * half-open, 2 open. A subgraph appears once the router has called it.
 */
export function registerBreakerGauge(
  registry: Registry,
  resilience: { breakerStates(): { subgraph: string; state: BreakerState }[] },
): void {
  new Gauge({
    name: 'router_subgraph_breaker_state',
    help: "A subgraph's circuit breaker: 0 closed, 1 half-open (one trial call), 2 open (calls refused)",
    labelNames: ['subgraph'],
    registers: [registry],
    // A forked router's workers each keep their own breakers: the worst one is the router's.
    aggregator: 'max',
    collect() {
      for (const { subgraph, state } of resilience.breakerStates()) {
        this.set({ subgraph }, BREAKER_STATE_VALUES[state]);
      }
    },
  });
}

/** Who a refused caller was: its bucket's kind, never its address or id. */
export type CallerKind = 'user' | 'service' | 'anonymous';

export const callerKindOf = (identity: Identity): CallerKind =>
  identity.kind === 'user' || identity.kind === 'service' ? identity.kind : 'anonymous';

/**
 * Counts the requests the rate limit refused (RATE_LIMITED), by caller kind;
 * each kind starts at 0 so a dashboard sees the series before the first one.
 */
export function rateLimitRefusalCounter(
  registry: Registry | undefined,
): (caller: CallerKind) => void {
  if (!registry) return () => undefined;
  const refusals = new Counter({
    name: 'router_rate_limit_refusals_total',
    help: 'Requests and subscriptions refused by the rate limit (RATE_LIMITED), by caller kind',
    labelNames: ['caller'],
    registers: [registry],
  });
  for (const caller of ['user', 'service', 'anonymous'] as const) refusals.inc({ caller }, 0);
  return (caller) => refusals.inc({ caller });
}
