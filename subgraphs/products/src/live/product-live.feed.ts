import { feedLive, liveTopics } from '@shop/events';
import type { SubgraphRuntime } from '@shop/federation';

/** Every new price to `priceChanged` of its product. */
export function startProductLiveFeed({ bus, pubSub, log }: SubgraphRuntime) {
  return feedLive({
    bus,
    stream: 'products.events',
    group: 'products-live',
    pubSub,
    log: log.child({ job: 'live-feed' }),
    routes: {
      ProductPriceChanged: (event, live) =>
        live.publish(liveTopics.priceChanged(event.data.productId), event),
    },
  });
}
