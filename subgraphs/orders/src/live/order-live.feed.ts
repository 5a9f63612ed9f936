import { feedLive, liveTopics, type LivePayload, type LivePubSub } from '@shop/events';
import type { SubgraphRuntime } from '@shop/federation';

const publish = (event: LivePayload<'orderStatusChanged'>, live: LivePubSub) =>
  live.publish(liveTopics.orderStatusChanged(event.data.orderId), event);

/**
 * Every event that moves an order's status to `orderStatusChanged` of that
 * order. PENDING is where an order starts, announced by no event; every
 * later status has one.
 */
export function startOrderLiveFeed({ bus, pubSub, log }: SubgraphRuntime) {
  return feedLive({
    bus,
    stream: 'orders.events',
    group: 'orders-live',
    pubSub,
    log: log.child({ job: 'live-feed' }),
    routes: {
      OrderPaid: publish,
      OrderShipped: publish,
      OrderDelivered: publish,
      OrderCancelled: publish,
    },
  });
}
