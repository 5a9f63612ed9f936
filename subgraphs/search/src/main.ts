// Runs the search subgraph as a process of its own (production).
import { createLogger, stopOnSignals } from '@shop/platform';
import { loadSearchConfig, startSearchSubgraph } from './index';

const config = loadSearchConfig();
const log = createLogger('search', config.logLevel);
startSearchSubgraph(config, { log }).then(
  (subgraph) => stopOnSignals(() => subgraph.stop(), log),
  (error: unknown) => {
    log.fatal({ err: error }, 'search subgraph failed to start');
    process.exit(1);
  },
);
