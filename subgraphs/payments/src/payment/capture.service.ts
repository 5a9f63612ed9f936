import { isUuid } from '@shop/federation';
import { ConflictError, NotFoundError } from '@shop/platform';
import { PAYMENT_TRANSACTION, type Database, type PaymentOutbox, type Prisma } from '../db';
import { answer } from './payment-answer';
import type { Payment } from './payment.type';
import { chargeColumns, type ChargeRow, type Settlement } from './settlement';

/**
 * The capture the checkout saga asks for once its order's stock is reserved,
 * so money is only ever taken for goods held. An authorization above the
 * review threshold is not captured but put before an ADMIN (AWAITING_REVIEW,
 * listed by paymentsAwaitingReview), whose approval captures it
 * (ReviewService). Asked again, it answers the payment as it then is, so the
 * saga learns a review's outcome by asking.
 */
export class CaptureService {
  constructor(
    private readonly db: Database,
    private readonly settlement: Settlement,
    private readonly outbox: PaymentOutbox,
  ) {}

  /**
   * SUCCEEDED, AWAITING_REVIEW, or PAYMENT_DECLINED for a payment that will
   * never be captured (its authorization declined, rejected, voided or
   * expired). The row is locked first, so a capture racing a void or a
   * review is decided once.
   */
  async capture(paymentId: string, correlationId: string | null = null): Promise<Payment> {
    if (!isUuid(paymentId)) throw new NotFoundError('Payment not found');
    const row = await this.db.prisma.$transaction(async (tx) => {
      const payment = await this.settlement.lock(tx, paymentId);
      if (!payment) throw new NotFoundError('Payment not found');
      if (payment.status === 'PENDING') {
        throw new ConflictError('The payment is not authorized', { paymentId, status: 'PENDING' });
      }
      if (payment.status !== 'AUTHORIZED') return current(tx, paymentId);
      if (payment.reviewRequired) return this.settlement.putBeforeReview(tx, payment);
      return this.settlement.capture(tx, payment, correlationId);
    }, PAYMENT_TRANSACTION);
    this.outbox.committed();
    return answer(row);
  }
}

function current(tx: Prisma.TransactionClient, paymentId: string): Promise<ChargeRow> {
  return tx.payment.findUniqueOrThrow({ select: chargeColumns, where: { id: paymentId } });
}
