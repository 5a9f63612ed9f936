import { Gauge, type Registry } from 'prom-client';

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
