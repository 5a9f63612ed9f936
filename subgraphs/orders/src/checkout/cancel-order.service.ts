import { isUuid, mayAccess, requireUser, type BaseContext } from '@shop/federation';
import { ConflictError, ForbiddenError, NotFoundError } from '@shop/platform';
import type { Database, Prisma } from '../db';
import { orderColumns, toOrder } from '../order/order.mapper';
import type { Order } from '../order/order.type';
import { cancelMoveOf } from './cancellation';
import { CANCELLED_BY_BUYER, type CheckoutSaga } from './checkout-saga';

const cancelColumns = {
  ...orderColumns,
  sagaStep: true,
} as const satisfies Prisma.OrderSelect;

/**
 * The buyer's cancellation, as a compensation of the checkout saga: the
 * order is marked COMPENSATING (failureCode CANCELLED_BY_BUYER) and the saga
 * run, which gives the stock back, refunds the payment and cancels the order
 * with the buyer as the history's actor. Interrupted anywhere, the recovery
 * job finishes it; asked again, cancelOrder runs it on.
 */
export class CancelOrderService {
  constructor(
    private readonly db: Database,
    private readonly saga: CheckoutSaga,
  ) {}

  /**
   * Only the buyer cancels (the contract's rule): anyone who may not see the
   * order gets the NOT_FOUND of an unknown id; an ADMIN, who may, FORBIDDEN.
   * CONFLICT once the order has shipped; a cancelled order is answered as it is.
   */
  async cancel(identity: BaseContext['identity'], id: string, requestId?: string): Promise<Order> {
    const buyer = requireUser(identity);
    const notFound = new NotFoundError('Order not found');
    if (!isUuid(id)) throw notFound;
    // Each pass either ends or follows a move of the order's saga, which only goes forward.
    for (;;) {
      const order = await this.db.prisma.order.findUnique({ select: cancelColumns, where: { id } });
      if (!order || !mayAccess(identity, order.userId)) throw notFound;
      if (order.userId !== buyer.userId) {
        throw new ForbiddenError('Only the buyer may cancel an order');
      }
      switch (cancelMoveOf(order.status, order.sagaStep)) {
        case 'answer':
          return toOrder(order);
        case 'refuse':
          throw new ConflictError(`Cannot cancel an order that is ${order.status}`, {
            status: order.status,
          });
        case 'run-saga':
          await this.saga.run(id, requestId);
          break;
        case 'start':
          if (await this.saga.startCompensating(order, CANCELLED_BY_BUYER)) {
            await this.saga.run(id, requestId);
          }
          break;
      }
    }
  }
}
