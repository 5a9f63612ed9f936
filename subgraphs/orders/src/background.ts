import { consumeEvents } from '@shop/events';
import { startPeriodicJob, type Stoppable, type SubgraphRuntime } from '@shop/federation';
import type { OrdersServices } from './context';
import type { Database } from './db';
import { startOrderLiveFeed } from './live/order-live.feed';

/** The consumer group of this subgraph on other domains' streams. */
const GROUP = 'orders';

/** How often the recovery job looks for checkout sagas that lost their driver. */
const RECOVERY_INTERVAL_MS = 5_000;

/**
 * What runs beside the server (the relay of orders.events is launchSubgraph's):
 * the live feed of status moves for subscriptions, the product projection
 * (names, prices, off sale) fed by products.events, the buyers' addresses fed
 * by users.events, the recovery of checkout sagas interrupted by a
 * crash (once at start, then periodically), and the sagas a payment review was decided for.
 */
export function startOrdersBackground(
  db: Database,
  services: OrdersServices,
  { bus, pubSub, log }: SubgraphRuntime,
): Stoppable {
  const live = startOrderLiveFeed({ bus, pubSub, log });
  const prices = consumeEvents<'products.events'>({
    bus,
    stream: 'products.events',
    group: GROUP,
    db,
    handlers: {
      ProductCreated: (event, tx) => services.prices.apply(tx, event),
      ProductPriceChanged: (event, tx) => services.prices.apply(tx, event),
      ProductUpdated: (event, tx) => services.prices.apply(tx, event),
      ProductArchived: (event, tx) => services.prices.apply(tx, event),
    },
    log,
  });
  const addresses = consumeEvents<'users.events'>({
    bus,
    stream: 'users.events',
    group: GROUP,
    db,
    handlers: { AddressAdded: (event, tx) => services.addresses.apply(tx, event) },
    log,
  });
  // Orders whose payment review was decided: their sagas go on once the event is recorded.
  const reviewed = new Set<string>();
  const resuming = new Set<Promise<void>>();
  const reviews = consumeEvents<'payments.events'>({
    bus,
    stream: 'payments.events',
    group: GROUP,
    db,
    handlers: {
      PaymentReviewed: async ({ data }) => void reviewed.add(data.orderId),
    },
    committed: () => {
      for (const orderId of reviewed) {
        reviewed.delete(orderId);
        const run = services.recovery.resume(orderId, log).finally(() => resuming.delete(run));
        resuming.add(run);
      }
    },
    log,
  });
  const recovery = startPeriodicJob(
    {
      intervalMs: RECOVERY_INTERVAL_MS,
      run: (jobLog) => services.recovery.recover(jobLog),
      did: 'resumed interrupted checkout sagas',
      failed: 'checkout saga recovery failed',
    },
    log.child({ job: 'saga-recovery' }),
  );
  return {
    async stop() {
      await recovery.stop();
      await reviews.stop();
      await Promise.all(resuming);
      await addresses.stop();
      await prices.stop();
      await live.stop();
    },
  };
}
