// The standalone router: SUPERGRAPH_PATH=<file> PORT=<n> node router/dist/main.js
// serves any composed Federation 2 supergraph until SIGTERM.
import { readFile } from 'node:fs/promises';
import { runServiceProcess } from '@shop/platform';
import { loadRouterConfig } from './config';
import { startRouter } from './server';

runServiceProcess({
  name: 'router',
  loadConfig: () => loadRouterConfig(),
  start: async (config, log) =>
    startRouter(config, await readFile(config.supergraphPath, 'utf8'), log),
  ready: (router) => ({ url: router.url }),
});
