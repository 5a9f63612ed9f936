import { Counter, Gauge, type Registry } from 'prom-client';
import { REFUSAL_REASONS, type RefusalReason } from '../subscriptions/connection-admission';

/**
 * The router's open subscriptions, read from the hub at each scrape, so
 * subscribing and leaving cost nothing extra.
 */
export function registerSubscriptionGauges(
  registry: Registry,
  hub: { readonly subscribers: number; readonly upstreamSubscriptions: number },
): void {
  new Gauge({
    name: 'router_active_subscriptions',
    help: 'Client subscriptions open on the router',
    registers: [registry],
    collect() {
      this.set(hub.subscribers);
    },
  });
  new Gauge({
    name: 'router_upstream_subscriptions',
    help: 'Subscriptions the router holds open to subgraphs (one per group of identical ones)',
    registers: [registry],
    collect() {
      this.set(hub.upstreamSubscriptions);
    },
  });
}

/**
 * Counts what the connection limits refused, by limit; every reason starts
 * at 0, so a dashboard sees the series before the first refusal. Without a
 * registry (METRICS_ENABLED=false) refusals are not counted.
 */
export function subscriptionRefusalCounter(
  registry: Registry | undefined,
): (reason: RefusalReason) => void {
  if (!registry) return () => undefined;
  const refusals = new Counter({
    name: 'router_subscription_refusals_total',
    help: 'Connections and subscriptions refused at the connection limits, by limit',
    labelNames: ['reason'],
    registers: [registry],
  });
  for (const reason of REFUSAL_REASONS) refusals.inc({ reason }, 0);
  return (reason) => refusals.inc({ reason });
}
