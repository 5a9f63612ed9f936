import { z } from 'zod';
import { loadSubgraphSettings, type SubgraphSettings } from '@shop/federation';

/** How expired reservations are settled: how often the sweeper looks, and how many per batch. */
export interface ReservationSweepSettings {
  intervalMs: number;
  batchSize: number;
}

/** Where the subgraphs inventory calls answer: orders, asked about holds past their expiry. */
export interface InventoryServiceUrls {
  orders: string;
}

export interface InventoryConfig extends SubgraphSettings {
  reservationSweep: ReservationSweepSettings;
  /**
   * Read at every call rather than copied, so a caller that learns orders'
   * address only after this subgraph started (a test's stack) can set it.
   */
  services: InventoryServiceUrls;
}

/**
 * The inventory subgraph's settings: INVENTORY_PORT, DATABASE_URL_INVENTORY and
 * the shared ones, plus RESERVATION_SWEEP_INTERVAL_MS and
 * RESERVATION_SWEEP_BATCH_SIZE for settling expired reservations, and
 * ORDERS_URL, the GraphQL endpoint of the orders subgraph the sweeper asks
 * whether an expired hold's order was paid.
 */
export function loadInventoryConfig(env?: Record<string, string | undefined>): InventoryConfig {
  const { own, ...settings } = loadSubgraphSettings('inventory', env, {
    RESERVATION_SWEEP_INTERVAL_MS: z.coerce.number().int().min(100).max(3_600_000).default(5_000),
    RESERVATION_SWEEP_BATCH_SIZE: z.coerce.number().int().min(1).max(1_000).default(100),
    ORDERS_URL: z.string().url().default('http://127.0.0.1:4003/graphql'),
  });
  return {
    ...settings,
    reservationSweep: {
      intervalMs: own.RESERVATION_SWEEP_INTERVAL_MS,
      batchSize: own.RESERVATION_SWEEP_BATCH_SIZE,
    },
    services: { orders: own.ORDERS_URL },
  };
}
