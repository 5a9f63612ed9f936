import { launchSubgraph, type LaunchOptions, type SubgraphDefinition } from '@shop/federation';
import { startOrdersBackground } from './background';
import type { OrdersConfig } from './config';
import { contextFactory, servicesOf, type OrdersContext } from './context';
import { connectDatabase, MIGRATIONS_DIR, type Database } from './db';
import { buildOrdersSchema } from './schema';
import { seedOrders } from './seed';

export { loadOrdersConfig, type OrdersConfig } from './config';
export { buildOrdersSchema } from './schema';

export const ordersSubgraph: SubgraphDefinition<Database, OrdersContext> = {
  name: 'orders',
  migrationsDir: MIGRATIONS_DIR,
  connect: connectDatabase,
  buildSchema: buildOrdersSchema,
  context: (db) => contextFactory(servicesOf(db)),
  seed: (db) => seedOrders(db),
  background: (db, runtime) => startOrdersBackground(db, servicesOf(db), runtime),
};

export function startOrdersSubgraph(config: OrdersConfig, options: LaunchOptions = {}) {
  return launchSubgraph(ordersSubgraph, config, options);
}
