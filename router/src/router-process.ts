import cluster from 'node:cluster';
import type { Logger } from '@shop/platform';
import { workersMetrics } from './cluster/cluster-metrics';
import type { RouterConfig } from './config';
import { startRouter, type RunningRouter } from './server';
import { supergraphSource } from './supergraph/supergraph-source';

/**
 * The router of one process, on the supergraph its configuration names and
 * watching it; a worker of a forked router (ROUTER_WORKERS) is one too, its
 * /metrics answering for every worker.
 */
export async function startRouterProcess(
  config: RouterConfig,
  log: Logger,
): Promise<RunningRouter> {
  const source = supergraphSource(config.supergraph);
  return startRouter(config, await source.read(), log, {
    supergraphSource: source,
    ...(cluster.isWorker ? { observability: { metricsOf: workersMetrics } } : {}),
  });
}
