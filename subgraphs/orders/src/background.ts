import { consumeEvents } from '@shop/events';
import { startPeriodicJob, type Stoppable, type SubgraphRuntime } from '@shop/federation';
import type { OrdersServices } from './context';
import type { Database, Prisma } from './db';
import { startOrderLiveFeed } from './live/order-live.feed';

/** The consumer group of this subgraph on other domains' streams. */
const GROUP = 'orders';

/** How often the recovery job looks for checkout sagas that lost their driver. */
const RECOVERY_INTERVAL_MS = 5_000;

/**
 * What runs beside the server (the relay of orders.events is launchSubgraph's):
 * the live feed of status moves for subscriptions, the product projection
 * (names, prices, off sale) fed by products.events, and the recovery of checkout sagas interrupted by a
 * crash (once at start, then periodically).
 */
export function startOrdersBackground(
  db: Database,
  services: OrdersServices,
  { bus, pubSub, log }: SubgraphRuntime,
): Stoppable {
  const live = startOrderLiveFeed({ bus, pubSub, log });
  const prices = consumeEvents<'products.events', Prisma.TransactionClient>({
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
      await prices.stop();
      await live.stop();
    },
  };
}
