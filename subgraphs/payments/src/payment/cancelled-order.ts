import type { SqlSession } from '@shop/database';
import type { DomainEvent } from '@shop/events';
import { Prisma, SQL_NOW, tableOf, type Database } from '../db';
import type { RefundService } from '../refund/refund.service';
import type { Settlement } from './settlement';
import { userTurn } from './user-turn';

/**
 * No money stays taken or held for a cancelled order. The checkout saga
 * voids or refunds its payment itself, but an order may be cancelled while
 * its payment awaits review: when OrderCancelled arrives, an authorization
 * still uncaptured is voided (so a later approval is a CONFLICT), and a
 * payment captured anyway is refunded in full under the saga's own refund
 * key, so a refund the saga already made is not made again. A charge for
 * the order that reaches payments after this (its saga's driver was slow)
 * is refused (CancelledOrder), so no money is taken for it at all.
 */
export class CancelledOrderSettlement {
  constructor(
    private readonly db: Database,
    private readonly settlement: Settlement,
    private readonly refunds: RefundService,
  ) {}

  async settle(
    tx: SqlSession,
    event: Extract<DomainEvent<'orders.events'>, { type: 'OrderCancelled' }>,
  ): Promise<void> {
    const { orderId, userId } = event.data;
    const payments = tableOf(this.db, 'Payment');
    // The buyer's turn first: a charge of theirs in flight commits before what follows reads, so
    // its payment is found and given back; one that comes after finds the order recorded here
    // as cancelled, and charges nothing.
    await tx.execute(Prisma.sql`
      WITH turn AS (SELECT 1 FROM ${userTurn(userId)})
      INSERT INTO ${tableOf(this.db, 'CancelledOrder')} ("orderId", "cancelledAt")
      SELECT ${orderId}::uuid, ${SQL_NOW} FROM turn
      ON CONFLICT ("orderId") DO NOTHING`);
    // Locked, so a review or capture waiting on the row finds it voided; one captured while this
    // waited no longer matches here, and the refund below finds it.
    const uncaptured = await tx.rows<{ id: string }>(Prisma.sql`
      SELECT "id"::text FROM ${payments}
       WHERE "orderId" = ${orderId}::uuid AND "status" IN ('AUTHORIZED', 'AWAITING_REVIEW')
         FOR UPDATE`);
    for (const { id } of uncaptured) {
      const payment = await this.settlement.lock(tx, id);
      if (payment) await this.settlement.void(tx, payment, 'order_cancelled', event.correlationId);
    }
    const captured = await tx.rows<{ id: string; amount: number }>(Prisma.sql`
      SELECT "id"::text, "amount" FROM ${payments}
       WHERE "orderId" = ${orderId}::uuid AND "status" = 'SUCCEEDED'`);
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
