import { launchSubgraph, type LaunchOptions, type SubgraphDefinition } from '@shop/federation';
import { startOrdersBackground } from './background';
import type { OrdersConfig } from './config';
import { contextFactory, servicesOf, type OrdersContext } from './context';
import { connectDatabase, MIGRATIONS_DIR, type Database } from './db';
import { buildOrdersSchema } from './schema';
import { seedOrders } from './seed';

export { loadOrdersConfig, type OrdersConfig, type ServiceUrls } from './config';
export { buildOrdersSchema } from './schema';

/** The orders subgraph; its checkout calls the siblings at `config.services`, read at each call. */
export function ordersSubgraph(config: OrdersConfig): SubgraphDefinition<Database, OrdersContext> {
  return {
    name: 'orders',
    migrationsDir: MIGRATIONS_DIR,
    connect: connectDatabase,
    buildSchema: buildOrdersSchema,
    context: (db) => contextFactory(servicesOf(db, config)),
    seed: (db) => seedOrders(db),
    background: (db, runtime) => startOrdersBackground(db, servicesOf(db, config), runtime),
  };
}

export function startOrdersSubgraph(config: OrdersConfig, options: LaunchOptions = {}) {
  return launchSubgraph(ordersSubgraph(config), config, options);
}
