// The standalone router: SUPERGRAPH_PATH=<file> PORT=<n> node router/dist/main.js
// serves any composed Federation 2 supergraph until SIGTERM, and each new one
// written there (or served at SUPERGRAPH_URL) that it can serve.
import { runServiceProcess } from '@shop/platform';
import { loadRouterConfig } from './config';
import { startRouter } from './server';
import { supergraphSource } from './supergraph/supergraph-source';

runServiceProcess({
  name: 'router',
  loadConfig: () => loadRouterConfig(),
  logLevelOf: (config) => config.server.logLevel,
  start: async (config, log) => {
    const source = supergraphSource(config.supergraph);
    return startRouter(config, await source.read(), log, { supergraphSource: source });
  },
  ready: (router) => ({ url: router.url }),
});
