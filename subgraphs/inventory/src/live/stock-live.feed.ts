import { feedLive, liveTopics } from '@shop/events';
import type { SubgraphRuntime } from '@shop/federation';

/**
 * Stock changes to `inventoryChanged` of their product and to `entityChanged`
 * (so caches drop its availability, whoever changed it: checkouts, expired
 * reservations, another instance), LowStock to `lowStockAlert`.
 */
export function startStockLiveFeed({ bus, pubSub, log }: SubgraphRuntime) {
  return feedLive({
    bus,
    stream: 'inventory.events',
    group: 'inventory-live',
    pubSub,
    log: log.child({ job: 'live-feed' }),
    routes: {
      StockChanged: async (event, live) => {
        await Promise.all([
          live.publish(liveTopics.inventoryChanged(event.data.productId), event),
          live.publish(liveTopics.entityChanged(), {
            typename: 'Product',
            id: event.data.productId,
          }),
        ]);
      },
      LowStock: (event, live) => live.publish(liveTopics.lowStockAlert(), event),
    },
  });
}
