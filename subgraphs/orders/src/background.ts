import { consumeEvents, startOutboxRelay } from '@shop/events';
import type { Stoppable, SubgraphRuntime } from '@shop/federation';
import type { OrdersServices } from './context';
import type { Database, Prisma } from './db';

/** The consumer group of this subgraph on other domains' streams. */
const GROUP = 'orders';

/**
 * What runs beside the server: the relay publishing this subgraph's outbox to
 * orders.events (attached to the services' waker, so a write publishes at
 * once), and the price projection fed by products.events.
 */
export function startOrdersBackground(
  db: Database,
  services: OrdersServices,
  { bus, log }: SubgraphRuntime,
): Stoppable {
  const relay = startOutboxRelay({
    db,
    stream: 'orders.events',
    bus,
    log: log.child({ job: 'outbox-relay' }),
  });
  services.relay.attach(relay);
  const prices = consumeEvents<'products.events', Prisma.TransactionClient>({
    bus,
    stream: 'products.events',
    group: GROUP,
    prisma: db.prisma,
    handlers: {
      ProductCreated: (event, tx) => services.prices.apply(tx, event),
      ProductPriceChanged: (event, tx) => services.prices.apply(tx, event),
    },
    log,
  });
  return {
    async stop() {
      await prices.stop();
      services.relay.detach();
      await relay.stop();
    },
  };
}
