import { launchSubgraph, type SubgraphDefinition } from '@shop/federation';
import type { Logger } from '@shop/platform';
import type { InventoryConfig } from './config';
import { contextFactory, createServices, type InventoryContext } from './context';
import { connectDatabase, MIGRATIONS_DIR, type Database } from './db';
import { buildInventorySchema } from './schema';
import { seedInventory } from './seed';

export { loadInventoryConfig, type InventoryConfig } from './config';
export { buildInventorySchema } from './schema';

export const inventorySubgraph: SubgraphDefinition<Database, InventoryContext> = {
  name: 'inventory',
  migrationsDir: MIGRATIONS_DIR,
  connect: connectDatabase,
  buildSchema: buildInventorySchema,
  context: (db) => contextFactory(createServices(db)),
  seed: (db) => seedInventory(db),
};

export function startInventorySubgraph(
  config: InventoryConfig,
  options: { log?: Logger; seed?: boolean } = {},
) {
  return launchSubgraph(inventorySubgraph, config, options);
}
