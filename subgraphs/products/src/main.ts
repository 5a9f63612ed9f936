// Runs the products subgraph as a process of its own (production).
import { createLogger, stopOnSignals } from '@shop/platform';
import { loadProductsConfig, startProductsSubgraph } from './index';

const config = loadProductsConfig();
const log = createLogger('products', config.logLevel);
startProductsSubgraph(config, { log }).then(
  (subgraph) => stopOnSignals(() => subgraph.stop(), log),
  (error: unknown) => {
    log.fatal({ err: error }, 'products subgraph failed to start');
    process.exit(1);
  },
);
