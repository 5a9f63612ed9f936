import { launchSubgraph, type LaunchOptions, type SubgraphDefinition } from '@shop/federation';
import { startInventoryBackground } from './background';
import type { InventoryConfig } from './config';
import {
  contextFactory,
  createServices,
  type InventoryContext,
  type InventoryServices,
} from './context';
import { connectDatabase, INVENTORY_STREAM, MIGRATIONS_DIR, type Database } from './db';
import { buildInventorySchema } from './schema';
import { seedInventory } from './seed';

export {
  loadInventoryConfig,
  type InventoryConfig,
  type InventoryServiceUrls,
  type ReservationSweepSettings,
} from './config';
export { buildInventorySchema } from './schema';
export { ReservationService } from './reservation/reservation.service';
export type { HeldLine, Reservation, ReserveRequest } from './reservation/reservation.types';

export function inventorySubgraph(
  config: InventoryConfig,
): SubgraphDefinition<Database, InventoryServices, InventoryContext, typeof INVENTORY_STREAM> {
  return {
    name: 'inventory',
    migrationsDir: MIGRATIONS_DIR,
    connect: connectDatabase,
    buildSchema: buildInventorySchema,
    publishes: INVENTORY_STREAM,
    services: (db, runtime) => createServices(db, config, runtime),
    context: contextFactory,
    seed: (db) => seedInventory(db),
    background: (db, services, runtime) =>
      startInventoryBackground(db, services, runtime, config.reservationSweep),
  };
}

export function startInventorySubgraph(config: InventoryConfig, options: LaunchOptions = {}) {
  return launchSubgraph(inventorySubgraph(config), config, options);
}
