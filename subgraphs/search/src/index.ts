import { launchSubgraph, type LaunchOptions, type SubgraphDefinition } from '@shop/federation';
import type { SearchConfig } from './config';
import { contextFactory, createServices, type SearchContext, type SearchServices } from './context';
import { connectDatabase, MIGRATIONS_DIR, type Database } from './db';
import { startIndexing } from './indexing/indexing.consumers';
import { buildSearchSchema } from './schema';
import { seedSearch } from './seed';

export { loadSearchConfig, type SearchConfig } from './config';
export { buildSearchSchema } from './schema';

export const searchSubgraph: SubgraphDefinition<Database, SearchServices, SearchContext> = {
  name: 'search',
  migrationsDir: MIGRATIONS_DIR,
  connect: connectDatabase,
  buildSchema: buildSearchSchema,
  services: createServices,
  context: contextFactory,
  seed: (db) => seedSearch(db),
  background: startIndexing,
};

export function startSearchSubgraph(config: SearchConfig, options: LaunchOptions = {}) {
  return launchSubgraph(searchSubgraph, config, options);
}
