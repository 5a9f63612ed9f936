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
 * The holds of a delivery's events are committed together, in one statement
 * that locks their stock in the common order (ReservationService.commitAll),
 * outside the consumer's transaction of processed-event ids: the stock rows,
 * which checkouts queue on, are held for that statement alone. A commit made
 * for a batch that then fails is found made when its event comes again.
 * A hold not found fails the batch, and then its own event alone.
 */
export async function commitPaidOrders(
  reservations: ReservationService,
  events: readonly OrderPaid[],
  log: Logger,
): Promise<void> {
  // Without a hold: written by an orders that committed it itself before marking the order PAID.
  const paid = events.filter((event) => event.data.reservationId);
  const outcomes = await reservations.commitAll(paid.map((event) => event.data.reservationId!));
  let failure: Error | undefined;
  paid.forEach(({ data: { orderId, reservationId } }, index) => {
    const outcome = outcomes[index]!;
    if (outcome instanceof ConflictError) {
      log.info(
        { orderId, reservationId, status: outcome.extensions.status },
        'OrderPaid: the hold was given back before it was committed; nothing to commit',
      );
    } else if (outcome instanceof Error) {
      failure ??= outcome;
    }
  });
  if (failure) throw failure;
}
