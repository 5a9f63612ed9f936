// Runs the inventory subgraph as a process of its own (production).
import { createLogger, stopOnSignals } from '@shop/platform';
import { loadInventoryConfig, startInventorySubgraph } from './index';

const config = loadInventoryConfig();
const log = createLogger('inventory', config.logLevel);
startInventorySubgraph(config, { log }).then(
  (subgraph) => stopOnSignals(() => subgraph.stop(), log),
  (error: unknown) => {
    log.fatal({ err: error }, 'inventory subgraph failed to start');
    process.exit(1);
  },
);
