import type { DomainEvent } from '@shop/events';
import { tableOf, type Database, type Prisma } from '../db';
import type { RefundService } from '../refund/refund.service';
import type { Settlement } from './settlement';

interface OrderPayment {
  id: string;
  userId: string;
  amount: number;
  currency: string;
  status: string;
}

/**
 * No money stays taken for a cancelled order. The checkout saga refunds what
 * it captured, but a payment held for an ADMIN's review may be decided after
 * the order was cancelled: when OrderCancelled arrives, a payment still held
 * is declined (so a later approval is a CONFLICT), and one captured anyway
 * is refunded in full under the saga's own refund key, so a refund the saga
 * already made is not made again.
 */
export class CancelledOrderSettlement {
  constructor(
    private readonly db: Database,
    private readonly settlement: Settlement,
    private readonly refunds: RefundService,
  ) {}

  async settle(
    tx: Prisma.TransactionClient,
    event: Extract<DomainEvent<'orders.events'>, { type: 'OrderCancelled' }>,
  ): Promise<void> {
    const { orderId } = event.data;
    const payments = tableOf(this.db, 'Payment');
    // Held ones locked, so a review waiting on the row sees them declined.
    const held = await tx.$queryRaw<OrderPayment[]>`
      SELECT "id"::text, "userId"::text, "amount", "currency", "status"::text
        FROM ${payments} WHERE "orderId" = ${orderId}::uuid AND "status" = 'PENDING'
         FOR UPDATE`;
    for (const payment of held) {
      await this.settlement.decline(
        tx,
        { paymentId: payment.id, orderId, ...payment },
        'order_cancelled',
        'REVIEW',
        event.correlationId,
      );
    }
    const captured = await tx.$queryRaw<OrderPayment[]>`
      SELECT "id"::text, "userId"::text, "amount", "currency", "status"::text
        FROM ${payments} WHERE "orderId" = ${orderId}::uuid AND "status" = 'SUCCEEDED'`;
    for (const payment of captured) {
      await this.refunds.refund(
        {
          paymentId: payment.id,
          amount: payment.amount,
          idempotencyKey: `order:${orderId}:refund`,
          reason: `Order cancelled: ${event.data.reason}`,
        },
        event.correlationId,
      );
    }
  }
}
