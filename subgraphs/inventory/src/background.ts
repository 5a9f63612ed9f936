import { consumeEvents } from '@shop/events';
import type { Stoppable, SubgraphRuntime } from '@shop/federation';
import type { ReservationSweepSettings } from './config';
import type { InventoryServices } from './context';
import type { Database } from './db';
import { startStockLiveFeed } from './live/stock-live.feed';
import { commitPaidOrders } from './reservation/paid-orders';
import { startReservationSweeper } from './reservation/reservation.sweeper';

/**
 * Republishes stock events for subscriptions, commits the holds of paid
 * orders (OrderPaid) and settles expired reservations; the relay of
 * inventory.events is launchSubgraph's, and stops after this, so what the
 * sweeper releases while stopping is still published.
 */
export function startInventoryBackground(
  db: Database,
  services: InventoryServices,
  runtime: SubgraphRuntime,
  sweep: ReservationSweepSettings,
): Stoppable {
  const live = startStockLiveFeed(runtime);
  const ordersLog = runtime.log.child({ job: 'orders-consumer' });
  const paidOrders = consumeEvents<'orders.events'>({
    bus: runtime.bus,
    stream: 'orders.events',
    group: 'inventory',
    db,
    handlers: {
      OrderPaid: { batch: (events) => commitPaidOrders(services.reservations, events, ordersLog) },
    },
    log: ordersLog,
  });
  const sweeper = startReservationSweeper(
    services.reservations,
    services.orderHolds,
    sweep,
    runtime.log.child({ job: 'reservation-sweeper' }),
  );
  return {
    async stop() {
      await sweeper.stop();
      await services.orderHolds.close();
      await paidOrders.stop();
      await live.stop();
    },
  };
}
