import { Histogram, type Registry } from 'prom-client';
import type { PlanCallsObserver } from '../execution/query-plan-executor';

const BUCKETS = [1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 64];

/**
 * Per operation the executor runs, what its plan asks of subgraphs: its
 * Fetch nodes, and the calls they go in once fetches to one subgraph that
 * can run together share one. The calls actually sent over HTTP (after
 * de-duplication and the caches) are router_subgraph_request_duration_seconds_count.
 */
export function planCallMetrics(registry: Registry | undefined): PlanCallsObserver | undefined {
  if (!registry) return undefined;
  const fetches = new Histogram({
    name: 'router_plan_fetches',
    help: 'Fetch nodes in the query plan of each operation the router executed',
    buckets: BUCKETS,
    registers: [registry],
  });
  const calls = new Histogram({
    name: 'router_plan_subgraph_calls',
    help: 'Subgraph calls the query plan of each executed operation makes at most, its fetches to one subgraph that run together sharing one',
    buckets: BUCKETS,
    registers: [registry],
  });
  return {
    observe(plan) {
      fetches.observe(plan.fetches);
      calls.observe(plan.calls);
    },
  };
}
