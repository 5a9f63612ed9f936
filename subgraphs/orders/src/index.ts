import { launchSubgraph, type LaunchOptions, type SubgraphDefinition } from '@shop/federation';
import type { OrdersConfig } from './config';
import { contextFactory, createServices, type OrdersContext } from './context';
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
  context: (db) => contextFactory(createServices(db)),
  seed: (db) => seedOrders(db),
};

export function startOrdersSubgraph(config: OrdersConfig, options: LaunchOptions = {}) {
  return launchSubgraph(ordersSubgraph, config, options);
}
