import { launchSubgraph, type LaunchOptions, type SubgraphDefinition } from '@shop/federation';
import { startProductsBackground } from './background';
import type { ProductsConfig } from './config';
import {
  contextFactory,
  createServices,
  type ProductsContext,
  type ProductsServices,
} from './context';
import { connectDatabase, MIGRATIONS_DIR, PRODUCTS_STREAM, type Database } from './db';
import { buildProductsSchema } from './schema';
import { seedProducts } from './seed';

export { loadProductsConfig, type ProductsConfig } from './config';
export { buildProductsSchema } from './schema';

export const productsSubgraph: SubgraphDefinition<
  Database,
  ProductsServices,
  ProductsContext,
  typeof PRODUCTS_STREAM
> = {
  name: 'products',
  migrationsDir: MIGRATIONS_DIR,
  connect: connectDatabase,
  buildSchema: buildProductsSchema,
  publishes: PRODUCTS_STREAM,
  services: createServices,
  context: contextFactory,
  seed: (db) => seedProducts(db),
  background: startProductsBackground,
};

export function startProductsSubgraph(config: ProductsConfig, options: LaunchOptions = {}) {
  return launchSubgraph(productsSubgraph, config, options);
}
