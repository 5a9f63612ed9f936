import { consumeEvents } from '@shop/events';
import type { Stoppable, SubgraphRuntime } from '@shop/federation';
import type { PaymentsServices } from './context';
import type { Database, Prisma } from './db';

/**
 * Settles the payments of cancelled orders (OrderCancelled); the relay of
 * payments.events is launchSubgraph's.
 */
export function startPaymentsBackground(
  db: Database,
  services: PaymentsServices,
  runtime: SubgraphRuntime,
): Stoppable {
  return consumeEvents<'orders.events', Prisma.TransactionClient>({
    bus: runtime.bus,
    stream: 'orders.events',
    group: 'payments',
    db,
    handlers: { OrderCancelled: (event, tx) => services.cancelledOrders.settle(tx, event) },
    log: runtime.log.child({ job: 'orders-consumer' }),
  });
}
