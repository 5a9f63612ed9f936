import { changesInStockFlag, consumeEvents } from '@shop/events';
import type { Stoppable, SubgraphRuntime } from '@shop/federation';
import type { ProductsServices } from './context';
import type { Database } from './db';
import { startProductLiveFeed } from './live/product-live.feed';

/** The consumer group of this subgraph on other domains' streams. */
const GROUP = 'products';

/**
 * What runs beside the server (the relay of products.events is
 * launchSubgraph's): the live feed of price changes for subscriptions, and
 * the projections fed by orders' deliveries and inventory's stock changes.
 */
export function startProductsBackground(
  db: Database,
  { purchases, stock }: ProductsServices,
  runtime: SubgraphRuntime,
): Stoppable {
  const { bus, log } = runtime;
  const subscriptions = [
    startProductLiveFeed(runtime),
    consumeEvents<'orders.events'>({
      bus,
      stream: 'orders.events',
      group: GROUP,
      db,
      handlers: { OrderDelivered: (event, tx) => purchases.recordDelivery(tx, event) },
      log,
    }),
    consumeEvents<'inventory.events'>({
      bus,
      stream: 'inventory.events',
      group: GROUP,
      db,
      handlers: { StockChanged: (event, tx) => stock.applyStockChange(tx, event) },
      relevant: changesInStockFlag,
      log,
    }),
  ];
  return {
    async stop() {
      await Promise.all(subscriptions.map((subscription) => subscription.stop()));
    },
  };
}
