// Runs the payments subgraph as a process of its own (production).
import { createLogger, stopOnSignals } from '@shop/platform';
import { loadPaymentsConfig, startPaymentsSubgraph } from './index';

const config = loadPaymentsConfig();
const log = createLogger('payments', config.logLevel);
startPaymentsSubgraph(config, { log }).then(
  (subgraph) => stopOnSignals(() => subgraph.stop(), log),
  (error: unknown) => {
    log.fatal({ err: error }, 'payments subgraph failed to start');
    process.exit(1);
  },
);
