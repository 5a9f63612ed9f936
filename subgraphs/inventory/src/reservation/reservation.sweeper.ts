import type { Stoppable } from '@shop/federation';
import type { Logger } from '@shop/platform';
import type { ReservationSweepSettings } from '../config';
import type { ReservationService } from './reservation.service';

/**
 * Releases expired reservations every `intervalMs`: batch after batch while
 * batches come back full, then waits. A failed sweep is logged and tried
 * again at the next tick; what it did not release stays due.
 */
export function startReservationSweeper(
  reservations: ReservationService,
  settings: ReservationSweepSettings,
  log: Logger,
): Stoppable {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<void> | undefined;

  const sweep = async (): Promise<void> => {
    try {
      let expired: number;
      do {
        expired = await reservations.expireDue(settings.batchSize);
        if (expired > 0) log.info({ expired }, 'released expired reservations');
      } while (!stopped && expired === settings.batchSize);
    } catch (error) {
      log.error({ err: error }, 'reservation sweep failed; will retry');
    } finally {
      current = undefined;
      if (!stopped) timer = setTimeout(run, settings.intervalMs);
    }
  };
  const run = () => {
    current = sweep();
  };
  run();

  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await current;
    },
  };
}
