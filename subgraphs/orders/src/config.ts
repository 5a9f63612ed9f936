import { z } from 'zod';
import { loadSubgraphSettings, type SubgraphSettings } from '@shop/federation';

/** Where the subgraphs the checkout saga calls answer. */
export interface ServiceUrls {
  users: string;
  inventory: string;
  payments: string;
}

export interface OrdersConfig extends SubgraphSettings {
  /**
   * Read at every call rather than copied, so a caller that learns a sibling's
   * address only after this subgraph started (the embedded stack) can set it.
   */
  services: ServiceUrls;
}

/**
 * The orders subgraph's settings: ORDERS_PORT, DATABASE_URL_ORDERS and the
 * shared ones, plus USERS_URL, INVENTORY_URL and PAYMENTS_URL, the GraphQL
 * endpoints of the subgraphs checkout calls.
 */
export function loadOrdersConfig(env?: Record<string, string | undefined>): OrdersConfig {
  const { own, ...settings } = loadSubgraphSettings('orders', env, {
    USERS_URL: z.string().url().default('http://127.0.0.1:4001/graphql'),
    INVENTORY_URL: z.string().url().default('http://127.0.0.1:4005/graphql'),
    PAYMENTS_URL: z.string().url().default('http://127.0.0.1:4004/graphql'),
  });
  return {
    ...settings,
    services: { users: own.USERS_URL, inventory: own.INVENTORY_URL, payments: own.PAYMENTS_URL },
  };
}
