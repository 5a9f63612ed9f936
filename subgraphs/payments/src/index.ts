import { launchSubgraph, type LaunchOptions, type SubgraphDefinition } from '@shop/federation';
import { startPaymentsBackground } from './background';
import type { PaymentsConfig } from './config';
import {
  contextFactory,
  createServices,
  type PaymentsContext,
  type PaymentsServices,
} from './context';
import { connectDatabase, MIGRATIONS_DIR, PAYMENTS_STREAM, type Database } from './db';
import type { CardProcessor } from './processor/card-processor';
import { SimulatedCardProcessor } from './processor/simulated-card-processor';
import { buildPaymentsSchema } from './schema';
import { seedPayments } from './seed';

export {
  DEFAULT_FRAUD_SETTINGS,
  loadPaymentsConfig,
  type FraudSettings,
  type PaymentsConfig,
} from './config';
export { buildPaymentsSchema } from './schema';
export type { CardProcessor } from './processor/card-processor';
export { SimulatedCardProcessor } from './processor/simulated-card-processor';

/**
 * The payments subgraph; the card processor is the simulated one unless a
 * real provider's is given.
 */
export function paymentsSubgraph(
  config: PaymentsConfig,
  processor: CardProcessor = new SimulatedCardProcessor(),
): SubgraphDefinition<Database, PaymentsServices, PaymentsContext, typeof PAYMENTS_STREAM> {
  return {
    name: 'payments',
    migrationsDir: MIGRATIONS_DIR,
    connect: connectDatabase,
    buildSchema: buildPaymentsSchema,
    publishes: PAYMENTS_STREAM,
    services: (db, runtime) => createServices(db, processor, config.fraud, runtime),
    context: contextFactory,
    seed: (db) => seedPayments(db),
    background: startPaymentsBackground,
  };
}

export function startPaymentsSubgraph(config: PaymentsConfig, options: LaunchOptions = {}) {
  return launchSubgraph(paymentsSubgraph(config), config, options);
}
