import { loadSubgraphSettings, type SubgraphSettings } from '@shop/federation';

/** The inventory subgraph's settings: INVENTORY_PORT, DATABASE_URL_INVENTORY and the shared ones. */
export function loadInventoryConfig(env?: Record<string, string | undefined>): InventoryConfig {
  return loadSubgraphSettings('inventory', env);
}

export type InventoryConfig = SubgraphSettings;
