import { consumeEvents, startOutboxRelay } from '@shop/events';
import type { Stoppable, SubgraphRuntime } from '@shop/federation';
import type { Database, Prisma } from './db';
import type { RelayWaker } from './events/product-events';
import { startProductLiveFeed } from './live/product-live.feed';
import { DeliveredPurchaseService } from './purchase/delivered-purchase.service';
import { ProductStockService } from './stock/product-stock.service';

/** The consumer group of this subgraph on other domains' streams. */
const GROUP = 'products';

/**
 * What runs beside the server: the relay publishing this subgraph's outbox
 * to products.events (attached to `relay`, so services can wake it), the
 * live feed of price changes for subscriptions, and the projections fed by
 * orders' deliveries and inventory's stock changes.
 */
export function startProductsBackground(
  db: Database,
  runtime: SubgraphRuntime,
  relay: RelayWaker,
): Stoppable {
  const { bus, log } = runtime;
  const outbox = startOutboxRelay({ db, stream: 'products.events', bus, log });
  relay.attach(outbox);
  const purchases = new DeliveredPurchaseService();
  const stock = new ProductStockService(db);
  const subscriptions = [
    startProductLiveFeed(runtime),
    consumeEvents<'orders.events', Prisma.TransactionClient>({
      bus,
      stream: 'orders.events',
      group: GROUP,
      prisma: db.prisma,
      handlers: { OrderDelivered: (event, tx) => purchases.recordDelivery(tx, event) },
      log,
    }),
    consumeEvents<'inventory.events', Prisma.TransactionClient>({
      bus,
      stream: 'inventory.events',
      group: GROUP,
      prisma: db.prisma,
      handlers: { StockChanged: (event, tx) => stock.applyStockChange(tx, event) },
      log,
    }),
  ];
  return {
    async stop() {
      await Promise.all(subscriptions.map((subscription) => subscription.stop()));
      relay.detach();
      await outbox.stop();
    },
  };
}
