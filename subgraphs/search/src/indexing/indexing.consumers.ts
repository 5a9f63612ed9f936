import { changesInStockFlag, consumeEvents } from '@shop/events';
import type { Stoppable, SubgraphRuntime } from '@shop/federation';
import type { SearchServices } from '../context';
import type { Database } from '../db';

/** The consumer group of the search subgraph on every stream it reads. */
const SEARCH_CONSUMER_GROUP = 'search';

/**
 * Feeds the index from product and inventory events, and from nothing else:
 * the bus hands each event over as it arrives, so a change is searchable as
 * soon as its transaction here commits.
 */
export function startIndexing(
  db: Database,
  { indexing }: SearchServices,
  { bus, log }: SubgraphRuntime,
): Stoppable {
  const common = { bus, group: SEARCH_CONSUMER_GROUP, db, log } as const;
  const subscriptions = [
    consumeEvents({
      ...common,
      stream: 'products.events',
      handlers: {
        ProductCreated: (event, tx) => indexing.applyProduct(tx, event.data, event.version),
        ProductPriceChanged: (event, tx) => indexing.applyProduct(tx, event.data, event.version),
        ProductUpdated: (event, tx) => indexing.applyProduct(tx, event.data, event.version),
        ProductArchived: (event, tx) => indexing.applyProduct(tx, event.data, event.version),
      },
    }),
    consumeEvents({
      ...common,
      stream: 'inventory.events',
      handlers: {
        StockChanged: (event, tx) =>
          indexing.applyStock(tx, event.data.productId, event.data.inStock, event.version),
      },
      relevant: changesInStockFlag,
    }),
  ];
  return {
    async stop() {
      await Promise.all(subscriptions.map((subscription) => subscription.stop()));
    },
  };
}
