import { launchSubgraph, type LaunchOptions, type SubgraphDefinition } from '@shop/federation';
import { startInventoryBackground } from './background';
import type { InventoryConfig } from './config';
import { contextFactory, servicesOf, type InventoryContext } from './context';
import { connectDatabase, MIGRATIONS_DIR, type Database } from './db';
import { buildInventorySchema } from './schema';
import { seedInventory } from './seed';

export { loadInventoryConfig, type InventoryConfig, type ReservationSweepSettings } from './config';
export { buildInventorySchema } from './schema';
export { ReservationService } from './reservation/reservation.service';
export type { HeldLine, Reservation, ReserveRequest } from './reservation/reservation.types';

export function inventorySubgraph(
  config: InventoryConfig,
): SubgraphDefinition<Database, InventoryContext> {
  return {
    name: 'inventory',
    migrationsDir: MIGRATIONS_DIR,
    connect: connectDatabase,
    buildSchema: buildInventorySchema,
    context: (db) => contextFactory(servicesOf(db)),
    seed: (db) => seedInventory(db),
    background: (db, runtime) =>
      startInventoryBackground(db, servicesOf(db), runtime, config.reservationSweep),
  };
}

export function startInventorySubgraph(config: InventoryConfig, options: LaunchOptions = {}) {
  return launchSubgraph(inventorySubgraph(config), config, options);
}
