import { launchSubgraph, type SubgraphDefinition } from '@shop/federation';
import type { Logger } from '@shop/platform';
import type { ProductsConfig } from './config';
import { contextFactory, createServices, type ProductsContext } from './context';
import { connectDatabase, MIGRATIONS_DIR, type Database } from './db';
import { buildProductsSchema } from './schema';
import { seedProducts } from './seed';

export { loadProductsConfig, type ProductsConfig } from './config';
export { buildProductsSchema } from './schema';

export const productsSubgraph: SubgraphDefinition<Database, ProductsContext> = {
  name: 'products',
  migrationsDir: MIGRATIONS_DIR,
  connect: connectDatabase,
  buildSchema: buildProductsSchema,
  context: (db) => contextFactory(createServices(db)),
  seed: (db) => seedProducts(db),
};

export function startProductsSubgraph(
  config: ProductsConfig,
  options: { log?: Logger; seed?: boolean } = {},
) {
  return launchSubgraph(productsSubgraph, config, options);
}
