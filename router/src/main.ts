// The standalone router: SUPERGRAPH_PATH=<file> PORT=<n> node router/dist/main.js
// serves any composed Federation 2 supergraph until SIGTERM, and each new one
// written there (or served at SUPERGRAPH_URL) that it can serve. With
// ROUTER_WORKERS above 1 this process forks that many routers sharing its port.
import cluster from 'node:cluster';
import { runServiceProcess } from '@shop/platform';
import { startRouterWorkers } from './cluster/router-workers';
import { workersMetrics } from './cluster/cluster-metrics';
import { loadRouterConfig } from './config';
import { startRouter } from './server';
import { supergraphSource } from './supergraph/supergraph-source';

runServiceProcess({
  name: 'router',
  loadConfig: () => loadRouterConfig(),
  start: async (config, log) => {
    if (config.workers > 1 && cluster.isPrimary) return startRouterWorkers(config, log);
    const source = supergraphSource(config.supergraph);
    return startRouter(config, await source.read(), log, {
      supergraphSource: source,
      ...(cluster.isWorker ? { observability: { metricsOf: workersMetrics } } : {}),
    });
  },
  ready: (router) => ({ url: router.url }),
});
