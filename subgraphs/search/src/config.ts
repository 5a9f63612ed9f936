import { z } from 'zod';
import { loadSubgraphSettings, type SubgraphSettings } from '@shop/federation';

/** The search subgraph's settings: SEARCH_PORT, DATABASE_URL_SEARCH and the shared ones. */
export function loadSearchConfig(env?: Record<string, string | undefined>): SearchConfig {
  return loadSubgraphSettings('search', env);
}

export type SearchConfig = SubgraphSettings;

export interface RebuildConfig extends SearchConfig {
  /** The products subgraph's GraphQL endpoint, read directly (not through the router). */
  productsUrl: string;
  /** The inventory subgraph's GraphQL endpoint, for stock. */
  inventoryUrl: string;
}

/**
 * The rebuild command's settings: the search subgraph's own (its database and
 * IDENTITY_SECRET, which signs its requests) plus PRODUCTS_URL and
 * INVENTORY_URL, by default the subgraphs' development ports.
 */
export function loadRebuildConfig(env?: Record<string, string | undefined>): RebuildConfig {
  const { own, ...settings } = loadSubgraphSettings('search', env, {
    PRODUCTS_URL: z.string().url().default('http://127.0.0.1:4002/graphql'),
    INVENTORY_URL: z.string().url().default('http://127.0.0.1:4005/graphql'),
  });
  return { ...settings, productsUrl: own.PRODUCTS_URL, inventoryUrl: own.INVENTORY_URL };
}
