import { z } from 'zod';
import { loadSubgraphSettings, type SubgraphSettings } from '@shop/federation';

/** How expired reservations are released: how often the sweeper looks, and how many per transaction. */
export interface ReservationSweepSettings {
  intervalMs: number;
  batchSize: number;
}

export interface InventoryConfig extends SubgraphSettings {
  reservationSweep: ReservationSweepSettings;
}

/**
 * The inventory subgraph's settings: INVENTORY_PORT, DATABASE_URL_INVENTORY and
 * the shared ones, plus RESERVATION_SWEEP_INTERVAL_MS and
 * RESERVATION_SWEEP_BATCH_SIZE for releasing expired reservations.
 */
export function loadInventoryConfig(env?: Record<string, string | undefined>): InventoryConfig {
  const { own, ...settings } = loadSubgraphSettings('inventory', env, {
    RESERVATION_SWEEP_INTERVAL_MS: z.coerce.number().int().min(100).max(3_600_000).default(5_000),
    RESERVATION_SWEEP_BATCH_SIZE: z.coerce.number().int().min(1).max(1_000).default(100),
  });
  return {
    ...settings,
    reservationSweep: {
      intervalMs: own.RESERVATION_SWEEP_INTERVAL_MS,
      batchSize: own.RESERVATION_SWEEP_BATCH_SIZE,
    },
  };
}
