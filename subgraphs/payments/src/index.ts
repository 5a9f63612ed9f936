import { launchSubgraph, type LaunchOptions, type SubgraphDefinition } from '@shop/federation';
import type { PaymentsConfig } from './config';
import { contextFactory, createServices, type PaymentsContext } from './context';
import { connectDatabase, MIGRATIONS_DIR, type Database } from './db';
import { buildPaymentsSchema } from './schema';
import { seedPayments } from './seed';

export { loadPaymentsConfig, type PaymentsConfig } from './config';
export { buildPaymentsSchema } from './schema';

export const paymentsSubgraph: SubgraphDefinition<Database, PaymentsContext> = {
  name: 'payments',
  migrationsDir: MIGRATIONS_DIR,
  connect: connectDatabase,
  buildSchema: buildPaymentsSchema,
  context: (db) => contextFactory(createServices(db)),
  seed: (db) => seedPayments(db),
};

export function startPaymentsSubgraph(config: PaymentsConfig, options: LaunchOptions = {}) {
  return launchSubgraph(paymentsSubgraph, config, options);
}
