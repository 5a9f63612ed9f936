// The standalone router: SUPERGRAPH_PATH=<file> PORT=<n> node router/dist/main.js
// serves any composed Federation 2 supergraph until SIGTERM.
import { readFile } from 'node:fs/promises';
import { createLogger, stopOnSignals } from '@shop/platform';
import { loadRouterConfig } from './config';
import { startRouter } from './server';

const config = loadRouterConfig();
const log = createLogger('router', config.logLevel);

readFile(config.supergraphPath, 'utf8')
  .then((supergraphSdl) => startRouter(config, supergraphSdl, log))
  .then(
    (router) => stopOnSignals(() => router.stop(), log),
    (error: unknown) => {
      log.fatal({ err: error }, 'router failed to start');
      process.exit(1);
    },
  );
