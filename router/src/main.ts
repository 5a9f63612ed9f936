// The standalone router: SUPERGRAPH_PATH=<file> PORT=<n> node router/dist/main.js
// serves any composed Federation 2 supergraph until SIGTERM, and each new one
// written there (or served at SUPERGRAPH_URL) that it can serve. With
// ROUTER_WORKERS above 1 this process forks that many routers sharing its port.
import cluster from 'node:cluster';
import { runServiceProcess } from '@shop/platform';
import { loadRouterConfig } from './config';

runServiceProcess({
  name: 'router',
  loadConfig: () => loadRouterConfig(),
  logLevelOf: (config) => config.server.logLevel,
  // Imported only where it runs: a primary that loaded the router's code
  // (Apollo, the planner) would hold some 30 MiB it never uses.
  start: async (config, log) =>
    config.cluster.workers > 1 && cluster.isPrimary
      ? (await import('./cluster/router-workers.js')).startRouterWorkers(config, log)
      : (await import('./router-process.js')).startRouterProcess(config, log),
  ready: (router) => ({ url: router.url }),
});
