import { Counter, Gauge, type Registry } from 'prom-client';

export interface SupergraphMetrics {
  applied(hash: string): void;
  refused(): void;
}

/**
 * `router_supergraph_info{hash}` 1 for the supergraph in use (summed over a
 * forked router's workers: how many serve each), and reloads
 * counted by outcome (both outcomes from 0, so a dashboard sees them before
 * the first reload). Nothing without a registry (METRICS_ENABLED=false).
 */
export function supergraphMetrics(registry: Registry | undefined, hash: string): SupergraphMetrics {
  if (!registry) return { applied: () => undefined, refused: () => undefined };
  const info = new Gauge({
    name: 'router_supergraph_info',
    help: 'The supergraph the router serves, by the sha256 of its schema (with ROUTER_WORKERS: how many workers serve each)',
    labelNames: ['hash'],
    registers: [registry],
  });
  const reloads = new Counter({
    name: 'router_supergraph_reloads_total',
    help: 'New supergraphs seen while serving, by outcome (applied or refused)',
    labelNames: ['outcome'],
    registers: [registry],
  });
  info.set({ hash }, 1);
  reloads.inc({ outcome: 'applied' }, 0);
  reloads.inc({ outcome: 'refused' }, 0);
  return {
    applied(next) {
      info.reset();
      info.set({ hash: next }, 1);
      reloads.inc({ outcome: 'applied' });
    },
    refused: () => reloads.inc({ outcome: 'refused' }),
  };
}
