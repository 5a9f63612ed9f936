import { ServiceUnavailableError, type Stoppable } from '@shop/federation';
import { ConflictError, type Logger } from '@shop/platform';
import type { ReservationSweepSettings } from '../config';
import type { OrderHolds } from './order-holds';
import type { ReservationService } from './reservation.service';

type Hold = { id: string; orderId: string };

/** What became of one due hold: settled, left HELD by an error of orders, or orders unreached. */
type HoldOutcome = 'settled' | 'refused' | 'away';

/**
 * Settles held reservations past their expiry every `intervalMs`, batch after
 * batch while batches come back full and settled, then waits. Each hold's
 * order is asked first (OrderHolds): a paid one's hold is committed, as
 * OrderPaid's consumer would have, and only one orders has made sure will
 * never be paid is released (EXPIRED). A hold orders does not settle stays
 * HELD and is asked about again at the next tick; orders unreached ends the
 * pass (the rest would not reach it either), an error it answers for one
 * order passes to the next hold. That holds stay held is logged once when it
 * starts, and once when a sweep settles holds again with none left. A failed
 * sweep is logged and tried again at the next tick; what it did not settle
 * stays due.
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
  /** Whether the last sweep that asked orders left holds it did not settle. */
  let leftHeld = false;

  const settle = async (hold: Hold): Promise<HoldOutcome> => {
    let outcome;
    try {
      outcome = await orders.settleExpired(hold.orderId);
    } catch (error) {
      if (!leftHeld) {
        log.warn(
          { err: error, orderId: hold.orderId, reservationId: hold.id },
          'orders did not settle an expired hold; such holds stay held until it does',
        );
      }
      leftHeld = true;
      return error instanceof ServiceUnavailableError ? 'away' : 'refused';
    }
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
    return 'settled';
  };

  const sweep = async (): Promise<void> => {
    try {
      const wasLeftHeld = leftHeld;
      let settledInSweep = 0;
      let unsettledInSweep = 0;
      let due: Hold[];
      let away = false;
      do {
        due = await reservations.dueHolds(settings.batchSize);
        let settled = 0;
        for (const hold of due) {
          if (stopped) break;
          const outcome = await settle(hold);
          if (outcome === 'settled') settled += 1;
          else unsettledInSweep += 1;
          if (outcome === 'away') {
            away = true;
            break;
          }
        }
        settledInSweep += settled;
        if (settled > 0) log.info({ settled }, 'settled expired reservations');
      } while (!stopped && !away && due.length === settings.batchSize && unsettledInSweep === 0);
      if (settledInSweep > 0 && unsettledInSweep === 0) {
        leftHeld = false;
        if (wasLeftHeld) log.info('orders settles expired holds again');
      }
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
