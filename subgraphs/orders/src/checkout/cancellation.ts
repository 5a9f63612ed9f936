import type { SagaStep } from '../db';
import type { OrderStatus } from '../order/order-status';

/**
 * What the buyer's cancelOrder does with an order in a given state:
 * - `start`: compensation begins, by a write conditional on exactly this state;
 * - `run-saga`: the saga is mid-way through a step nothing may interrupt
 *   (committing the stock of a charged payment) or already compensating, so
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
