import { consumeEvents, startOutboxRelay } from '@shop/events';
import type { Stoppable, SubgraphRuntime } from '@shop/federation';
import type { PaymentsServices } from './context';
import type { Database, Prisma } from './db';
import { CancelledOrderSettlement } from './payment/cancelled-order';

/**
 * Publishes 'payments.events' from the outbox, woken by every commit that
 * recorded one, and settles the payments of cancelled orders (OrderCancelled).
 */
export function startPaymentsBackground(
  db: Database,
  services: PaymentsServices,
  runtime: SubgraphRuntime,
): Stoppable {
  const relay = startOutboxRelay({
    db,
    stream: 'payments.events',
    bus: runtime.bus,
    log: runtime.log.child({ job: 'outbox-relay' }),
  });
  services.events.attachRelay(relay);
  const cancelled = new CancelledOrderSettlement(db, services.refunds);
  const consumer = consumeEvents<'orders.events', Prisma.TransactionClient>({
    bus: runtime.bus,
    stream: 'orders.events',
    group: 'payments',
    prisma: db.prisma,
    handlers: { OrderCancelled: (event, tx) => cancelled.settle(tx, event) },
    log: runtime.log.child({ job: 'orders-consumer' }),
  });
  return {
    async stop() {
      await consumer.stop();
      services.events.attachRelay(undefined);
      await relay.stop();
    },
  };
}
