import { startOutboxRelay } from '@shop/events';
import type { Stoppable, SubgraphRuntime } from '@shop/federation';
import type { ReservationSweepSettings } from './config';
import type { InventoryServices } from './context';
import type { Database } from './db';
import { startStockLiveFeed } from './live/stock-live.feed';
import { startReservationSweeper } from './reservation/reservation.sweeper';

/**
 * Publishes 'inventory.events' from the outbox, republishes its stock events
 * for subscriptions, and releases expired reservations.
 */
export function startInventoryBackground(
  db: Database,
  services: InventoryServices,
  runtime: SubgraphRuntime,
  sweep: ReservationSweepSettings,
): Stoppable {
  const relay = startOutboxRelay({
    db,
    stream: 'inventory.events',
    bus: runtime.bus,
    log: runtime.log.child({ job: 'outbox-relay' }),
  });
  services.stockEvents.attachRelay(relay);
  const live = startStockLiveFeed(runtime);
  const sweeper = startReservationSweeper(
    services.reservations,
    sweep,
    runtime.log.child({ job: 'reservation-sweeper' }),
  );
  return {
    async stop() {
      // The sweeper first: what it releases while stopping still wakes the relay.
      await sweeper.stop();
      services.stockEvents.attachRelay(undefined);
      await relay.stop();
      await live.stop();
    },
  };
}
