import type { DomainEvent } from '@shop/events';
import { ConflictError, type Logger } from '@shop/platform';
import type { ReservationService } from './reservation.service';

type OrderPaid = Extract<DomainEvent<'orders.events'>, { type: 'OrderPaid' }>;

/**
 * The stock of a paid order leaves the shelf when inventory hears OrderPaid:
 * the order's hold is committed, off the checkout's request. The hold cannot
 * have expired meanwhile (the sweeper asks orders before releasing one, and
 * commits a paid order's itself). Committing again changes nothing; a hold
 * already given back (the paid order was cancelled first) is left so, and
 * logged.
 *
 * The commit is its own statement, outside the consumer's transaction of
 * processed-event ids: a batch's commits in one transaction would lock
 * products' stock in event order, not in the common order, and deadlock
 * with checkouts. A commit made for a batch that then fails is found made
 * when the event comes again.
 */
export async function commitPaidOrder(
  reservations: ReservationService,
  event: OrderPaid,
  log: Logger,
): Promise<void> {
  const { orderId, reservationId } = event.data;
  // Written by an orders that committed the hold itself before marking the order PAID.
  if (!reservationId) return;
  try {
    await reservations.commit(reservationId, event.correlationId ?? null);
  } catch (error) {
    if (!(error instanceof ConflictError)) throw error;
    log.info(
      { orderId, reservationId, status: error.extensions.status },
      'OrderPaid: the hold was given back before it was committed; nothing to commit',
    );
  }
}
