// Runs the users subgraph as a process of its own (production).
import { createLogger, stopOnSignals } from '@shop/platform';
import { loadUsersConfig, startUsersSubgraph } from './index';

const config = loadUsersConfig();
const log = createLogger('users', config.logLevel);
startUsersSubgraph(config, { log }).then(
  (subgraph) => stopOnSignals(() => subgraph.stop(), log),
  (error: unknown) => {
    log.fatal({ err: error }, 'users subgraph failed to start');
    process.exit(1);
  },
);
