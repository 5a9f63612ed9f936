import { launchSubgraph, type LaunchOptions, type SubgraphDefinition } from '@shop/federation';
import { startProductsBackground } from './background';
import type { ProductsConfig } from './config';
import { contextFactory, createServices, type ProductsContext } from './context';
import { connectDatabase, MIGRATIONS_DIR, type Database } from './db';
import { RelayWaker } from './events/product-events';
import { buildProductsSchema } from './schema';
import { seedProducts } from './seed';

export { loadProductsConfig, type ProductsConfig } from './config';
export { buildProductsSchema } from './schema';

/**
 * A definition per launch: its services wake the outbox relay its
 * background started, and no other launch's (tests run several in one process).
 */
export function productsSubgraph(): SubgraphDefinition<Database, ProductsContext> {
  const relay = new RelayWaker();
  return {
    name: 'products',
    migrationsDir: MIGRATIONS_DIR,
    connect: connectDatabase,
    buildSchema: buildProductsSchema,
    context: (db) => contextFactory(createServices(db, relay)),
    seed: (db) => seedProducts(db),
    background: (db, runtime) => startProductsBackground(db, runtime, relay),
  };
}

export function startProductsSubgraph(config: ProductsConfig, options: LaunchOptions = {}) {
  return launchSubgraph(productsSubgraph(), config, options);
}
