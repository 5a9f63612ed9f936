import { feedLive, liveTopics } from '@shop/events';
import type { SubgraphRuntime } from '@shop/federation';

/** Stock changes to `inventoryChanged` of their product, LowStock to `lowStockAlert`. */
export function startStockLiveFeed({ bus, pubSub, log }: SubgraphRuntime) {
  return feedLive({
    bus,
    stream: 'inventory.events',
    group: 'inventory-live',
    pubSub,
    log: log.child({ job: 'live-feed' }),
    routes: {
      StockChanged: (event, live) =>
        live.publish(liveTopics.inventoryChanged(event.data.productId), event),
      LowStock: (event, live) => live.publish(liveTopics.lowStockAlert(), event),
    },
  });
}
