// npm run search:rebuild (in subgraphs/search), or node subgraphs/search/dist/cli/rebuild.js:
// re-indexes every product from the products and inventory subgraphs' APIs, and drops the
// documents of products that no longer exist. Safe while the search subgraph runs.
import { createLogger } from '@shop/platform';
import { loadRebuildConfig } from '../config';
import { connectDatabase } from '../db';
import { IndexRebuildService } from '../rebuild/index-rebuild.service';
import { SubgraphCatalogSource } from '../rebuild/subgraph-catalog-source';

async function main(): Promise<void> {
  const config = loadRebuildConfig();
  const log = createLogger('search-rebuild', config.logLevel);
  const db = connectDatabase(config.databaseUrl, config.poolSize);
  const source = new SubgraphCatalogSource({
    productsUrl: config.productsUrl,
    inventoryUrl: config.inventoryUrl,
    identitySecret: config.identitySecret,
  });
  try {
    const result = await new IndexRebuildService(db, source).rebuild();
    log.info(result, 'search index rebuilt');
  } finally {
    await source.close();
    await db.disconnect();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `search rebuild failed: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
