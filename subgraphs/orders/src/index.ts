import { launchSubgraph, type LaunchOptions, type SubgraphDefinition } from '@shop/federation';
import { startOrdersBackground } from './background';
import type { OrdersConfig } from './config';
import { contextFactory, createServices, type OrdersContext, type OrdersServices } from './context';
import { connectDatabase, MIGRATIONS_DIR, ORDERS_STREAM, type Database } from './db';
import { buildOrdersSchema } from './schema';
import { seedOrders } from './seed';

export { loadOrdersConfig, type OrdersConfig, type ServiceUrls } from './config';
export { buildOrdersSchema } from './schema';

/** The orders subgraph; its checkout calls the siblings at `config.services`, read at each call. */
export function ordersSubgraph(
  config: OrdersConfig,
): SubgraphDefinition<Database, OrdersServices, OrdersContext, typeof ORDERS_STREAM> {
  return {
    name: 'orders',
    migrationsDir: MIGRATIONS_DIR,
    connect: connectDatabase,
    buildSchema: buildOrdersSchema,
    publishes: ORDERS_STREAM,
    services: (db, runtime) => createServices(db, config, runtime),
    context: contextFactory,
    seed: (db) => seedOrders(db),
    background: startOrdersBackground,
  };
}

export function startOrdersSubgraph(config: OrdersConfig, options: LaunchOptions = {}) {
  return launchSubgraph(ordersSubgraph(config), config, options);
}
