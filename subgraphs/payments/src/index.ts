import { launchSubgraph, type LaunchOptions, type SubgraphDefinition } from '@shop/federation';
import { startPaymentsBackground } from './background';
import type { PaymentsConfig } from './config';
import { contextFactory, createServices, type PaymentsContext } from './context';
import { connectDatabase, MIGRATIONS_DIR, type Database } from './db';
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
): SubgraphDefinition<Database, PaymentsContext> {
  // One set of services per database: the resolvers and the relay share their PaymentEvents.
  const servicesByDatabase = new WeakMap<Database, ReturnType<typeof createServices>>();
  const servicesOf = (db: Database) => {
    let services = servicesByDatabase.get(db);
    if (!services) {
      services = createServices(db, processor, config.fraud);
      servicesByDatabase.set(db, services);
    }
    return services;
  };
  return {
    name: 'payments',
    migrationsDir: MIGRATIONS_DIR,
    connect: connectDatabase,
    buildSchema: buildPaymentsSchema,
    context: (db) => contextFactory(servicesOf(db)),
    seed: (db) => seedPayments(db),
    background: (db, runtime) => startPaymentsBackground(db, servicesOf(db), runtime),
  };
}

export function startPaymentsSubgraph(config: PaymentsConfig, options: LaunchOptions = {}) {
  return launchSubgraph(paymentsSubgraph(config), config, options);
}
