// Runs the orders subgraph as a process of its own (production).
import { createLogger, stopOnSignals } from '@shop/platform';
import { loadOrdersConfig, startOrdersSubgraph } from './index';

const config = loadOrdersConfig();
const log = createLogger('orders', config.logLevel);
startOrdersSubgraph(config, { log }).then(
  (subgraph) => stopOnSignals(() => subgraph.stop(), log),
  (error: unknown) => {
    log.fatal({ err: error }, 'orders subgraph failed to start');
    process.exit(1);
  },
);
