import { loadSubgraphSettings, type SubgraphSettings } from '@shop/federation';

/** The orders subgraph's settings: ORDERS_PORT, DATABASE_URL_ORDERS and the shared ones. */
export function loadOrdersConfig(env?: Record<string, string | undefined>): OrdersConfig {
  return loadSubgraphSettings('orders', env);
}

export type OrdersConfig = SubgraphSettings;
