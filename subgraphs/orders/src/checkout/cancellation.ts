import type { SagaStep } from '../db';
import type { OrderStatus } from '../order/order-status';

/**
 * What the buyer's cancelOrder does with an order in a given state:
 * - `start`: compensation begins, by a write conditional on exactly this state;
 * - `run-saga`: the saga is mid-way through a step nothing may interrupt
 *   (marking PAID an order whose payment was captured) or already compensating, so
 *   it is run on first and the order looked at again;
 * - `answer`: it is cancelled already, and answered as it is;
 * - `refuse`: it has shipped (or is in no state a cancellation knows): CONFLICT.
 */
export type CancelMove = 'start' | 'run-saga' | 'answer' | 'refuse';

/**
 * The states compensation may begin from: a PAID order its saga completed,
 * and a PENDING one whose stock or charge may be on its way (or awaiting
 * review), since a driver still running then finds its next write refused
 * and undoes its call (PAYMENT_AUTHORIZED: an order authorized before the
 * charge replaced authorizing and capturing apart).
 */
const CANCELLABLE: Readonly<Partial<Record<OrderStatus, readonly SagaStep[]>>> = {
  PENDING: ['CREATED', 'PAYMENT_AUTHORIZED', 'STOCK_RESERVED'],
  PAID: ['COMPLETED'],
};

export function cancelMoveOf(status: OrderStatus, sagaStep: SagaStep): CancelMove {
  if (status === 'CANCELLED') return 'answer';
  if (CANCELLABLE[status]?.includes(sagaStep)) return 'start';
  const underWay =
    (status === 'PENDING' && sagaStep === 'PAYMENT_CAPTURED') ||
    ((status === 'PENDING' || status === 'PAID') && sagaStep === 'COMPENSATING');
  return underWay ? 'run-saga' : 'refuse';
}

/**
 * What settling an order's expired stock hold (settleExpiredHold, asked by
 * inventory's sweeper before it gives the stock back) does with the order:
 * - `paid`: it was PAID (it may have shipped since): the hold is committed;
 * - `cancelled`: it is cancelled, or being compensated: the hold is released;
 * - `start`: a PENDING order whose charge may still be on its way:
 *   compensation begins (RESERVATION_EXPIRED) by a write conditional on
 *   exactly this state, so it can never become PAID;
 * - `run-saga`: its payment is captured and the saga only marks it PAID: run
 *   on and looked at again;
 * - `refuse`: a state no saga leaves behind.
 */
export type ExpiredHoldMove = 'paid' | 'cancelled' | 'start' | 'run-saga' | 'refuse';

export function expiredHoldMoveOf(status: OrderStatus, sagaStep: SagaStep): ExpiredHoldMove {
  if (status === 'CANCELLED' || sagaStep === 'COMPENSATING' || sagaStep === 'COMPENSATED') {
    return 'cancelled';
  }
  if (status === 'PENDING') {
    if (CANCELLABLE.PENDING?.includes(sagaStep)) return 'start';
    if (sagaStep === 'PAYMENT_CAPTURED') return 'run-saga';
    return 'refuse';
  }
  return sagaStep === 'COMPLETED' ? 'paid' : 'refuse';
}
