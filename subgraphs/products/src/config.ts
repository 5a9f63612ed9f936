import { loadSubgraphSettings, type SubgraphSettings } from '@shop/federation';

/** The products subgraph's settings: PRODUCTS_PORT, DATABASE_URL_PRODUCTS and the shared ones. */
export function loadProductsConfig(env?: Record<string, string | undefined>): ProductsConfig {
  return loadSubgraphSettings('products', env);
}

export type ProductsConfig = SubgraphSettings;
