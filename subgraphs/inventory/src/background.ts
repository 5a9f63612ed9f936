import type { Stoppable, SubgraphRuntime } from '@shop/federation';
import type { ReservationSweepSettings } from './config';
import type { InventoryServices } from './context';
import { startStockLiveFeed } from './live/stock-live.feed';
import { startReservationSweeper } from './reservation/reservation.sweeper';

/**
 * Republishes stock events for subscriptions and releases expired
 * reservations; the relay of inventory.events is launchSubgraph's, and stops
 * after this, so what the sweeper releases while stopping is still published.
 */
export function startInventoryBackground(
  services: InventoryServices,
  runtime: SubgraphRuntime,
  sweep: ReservationSweepSettings,
): Stoppable {
  const live = startStockLiveFeed(runtime);
  const sweeper = startReservationSweeper(
    services.reservations,
    sweep,
    runtime.log.child({ job: 'reservation-sweeper' }),
  );
  return {
    async stop() {
      await sweeper.stop();
      await live.stop();
    },
  };
}
