import { uuidOf } from '@shop/federation';
import type { Logger } from '@shop/platform';
import type { Database } from '../db';
import { expiredHoldMoveOf } from './cancellation';
import type { CheckoutSaga } from './checkout-saga';

/** What inventory does with an expired hold: commit it (its order was PAID) or release it. */
export type ExpiredHoldOutcome = 'PAID' | 'CANCELLED';

/** The failureCode of an order ended because its stock hold expired before it was PAID. */
const RESERVATION_EXPIRED = 'RESERVATION_EXPIRED';

/**
 * Inventory's sweeper asks this before giving back a hold past its expiry:
 * PAID if the order was paid, so the hold is committed (OrderPaid's consumer
 * may lag); otherwise the order's chance of becoming PAID is ended first (the
 * saga's compensation, as the buyer's cancellation starts it, failureCode
 * RESERVATION_EXPIRED), and CANCELLED. A saga driving the order meanwhile
 * finds its next write refused and gives back what it did, so an order is
 * never PAID with its stock released. Asked again, the same answer.
 */
export class ExpiredHoldService {
  constructor(
    private readonly db: Database,
    private readonly saga: CheckoutSaga,
  ) {}

  async settle(orderId: string, log: Logger, requestId?: string): Promise<ExpiredHoldOutcome> {
    const id = uuidOf(orderId, 'orderId');
    // Each pass either ends or follows a move of the order's saga, which only goes forward.
    for (;;) {
      const order = await this.db.prisma.order.findUnique({
        select: { id: true, status: true, sagaStep: true },
        where: { id },
      });
      // Checkout stores its order before it reserves: no order, nothing will ever pay for it.
      if (!order) return 'CANCELLED';
      switch (expiredHoldMoveOf(order.status, order.sagaStep)) {
        case 'paid':
          return 'PAID';
        case 'cancelled':
          return 'CANCELLED';
        case 'refuse':
          throw new Error(
            `Order ${id} is ${order.status} at ${order.sagaStep}: no saga leaves that`,
          );
        case 'run-saga':
          await this.saga.run(id, requestId);
          break;
        case 'start':
          if (await this.saga.startCompensating(order, RESERVATION_EXPIRED)) {
            // COMPENSATING only ever ends CANCELLED: the answer stands whether or not the
            // compensation finishes now; recovery finishes what it leaves.
            await this.saga.run(id, requestId).catch((error: unknown) => {
              log.warn({ err: error, orderId: id }, 'expired hold: compensation left to recovery');
            });
            return 'CANCELLED';
          }
          break;
      }
    }
  }
}
