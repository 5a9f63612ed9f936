import type { Stoppable } from '@shop/federation';
import { ConflictError, type Logger } from '@shop/platform';
import type { ReservationSweepSettings } from '../config';
import type { OrderHolds } from './order-holds';
import type { ReservationService } from './reservation.service';

/**
 * Settles held reservations past their expiry every `intervalMs`, batch after
 * batch while batches come back full and settled, then waits. Each hold's
 * order is asked first (OrderHolds): a paid one's hold is committed, as
 * OrderPaid's consumer would have, and only one orders has made sure will
 * never be paid is released (EXPIRED). While orders does not answer, holds
 * stay HELD and are asked again at the next tick; that is logged once when
 * it starts and once when orders answers again. A failed sweep is logged and
 * tried again at the next tick; what it did not settle stays due.
 */
export function startReservationSweeper(
  reservations: ReservationService,
  orders: OrderHolds,
  settings: ReservationSweepSettings,
  log: Logger,
): Stoppable {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<void> | undefined;
  let ordersAway = false;

  /** Settles one due hold with its order; answers false, leaving it HELD, when orders did not answer. */
  const settle = async (hold: { id: string; orderId: string }): Promise<boolean> => {
    let outcome;
    try {
      outcome = await orders.settleExpired(hold.orderId);
    } catch (error) {
      if (!ordersAway) {
        log.warn(
          { err: error, orderId: hold.orderId, reservationId: hold.id },
          'orders did not settle an expired hold; expired holds stay held until it does',
        );
      }
      ordersAway = true;
      return false;
    }
    if (ordersAway) log.info('orders settles expired holds again');
    ordersAway = false;
    try {
      if (outcome === 'PAID') await reservations.commit(hold.id);
      else await reservations.expire(hold.id);
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
      // Settled otherwise meanwhile: committed by OrderPaid's consumer (and returned by the
      // order's cancellation), or released by the cancellation of its order.
      log.info(
        { orderId: hold.orderId, reservationId: hold.id, outcome, status: error.extensions.status },
        'an expired hold was settled meanwhile',
      );
    }
    return true;
  };

  const sweep = async (): Promise<void> => {
    try {
      let due: { id: string; orderId: string }[];
      let settled = 0;
      do {
        due = await reservations.dueHolds(settings.batchSize);
        settled = 0;
        for (const hold of due) {
          if (stopped || !(await settle(hold))) break;
          settled += 1;
        }
        if (settled > 0) log.info({ settled }, 'settled expired reservations');
      } while (!stopped && due.length === settings.batchSize && settled === due.length);
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
