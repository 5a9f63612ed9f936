import type { GraphQLSchema } from 'graphql';
import type { LaunchedSubgraph, LaunchOptions, SubgraphName } from '@shop/federation';
import * as inventory from '@shop/inventory';
import * as notifications from '@shop/notifications';
import * as orders from '@shop/orders';
import * as payments from '@shop/payments';
import * as products from '@shop/products';
import * as search from '@shop/search';
import * as users from '@shop/users';

type Env = Record<string, string | undefined>;

/** How the stack starts one subgraph: its own config loader reads the env it is given. */
export interface SubgraphEntry {
  name: SubgraphName;
  buildSchema(): Promise<GraphQLSchema>;
  start(env: Env, options: LaunchOptions): Promise<LaunchedSubgraph<unknown>>;
}

/**
 * In start order: orders calls users, inventory and payments during checkout,
 * so it starts after them and is given their addresses (inventory's sweeper
 * calls orders too: npm start fixes every port first, a test's stack puts a
 * relay at orders' address).
 */
export const SUBGRAPHS: SubgraphEntry[] = [
  {
    name: 'users',
    buildSchema: users.buildUsersSchema,
    start: (env, options) => users.startUsersSubgraph(users.loadUsersConfig(env), options),
  },
  {
    name: 'products',
    buildSchema: products.buildProductsSchema,
    start: (env, options) =>
      products.startProductsSubgraph(products.loadProductsConfig(env), options),
  },
  {
    name: 'payments',
    buildSchema: payments.buildPaymentsSchema,
    start: (env, options) =>
      payments.startPaymentsSubgraph(payments.loadPaymentsConfig(env), options),
  },
  {
    name: 'inventory',
    buildSchema: inventory.buildInventorySchema,
    start: (env, options) =>
      inventory.startInventorySubgraph(inventory.loadInventoryConfig(env), options),
  },
  {
    name: 'search',
    buildSchema: search.buildSearchSchema,
    start: (env, options) => search.startSearchSubgraph(search.loadSearchConfig(env), options),
  },
  {
    name: 'notifications',
    buildSchema: notifications.buildNotificationsSchema,
    start: (env, options) =>
      notifications.startNotificationsSubgraph(notifications.loadNotificationsConfig(env), options),
  },
  {
    name: 'orders',
    buildSchema: orders.buildOrdersSchema,
    start: (env, options) => orders.startOrdersSubgraph(orders.loadOrdersConfig(env), options),
  },
];
