import { sqlSessionOf } from '@shop/database';
import { isUuid } from '@shop/federation';
import { ConflictError, NotFoundError } from '@shop/platform';
import { PAYMENT_TRANSACTION, type Database, type PaymentOutbox } from '../db';
import { toPayment } from './payment.mapper';
import type { Payment } from './payment.type';
import { chargeColumns, UNCAPTURED, type Settlement } from './settlement';

/**
 * The checkout saga's compensation of an authorization: its order did not
 * go ahead (cancelled while its payment awaited review), so the amount held
 * on the card is given back (VOIDED, order_cancelled). Money already captured cannot be voided:
 * that is a CONFLICT, and the saga refunds it instead.
 */
export class VoidService {
  constructor(
    private readonly db: Database,
    private readonly settlement: Settlement,
    private readonly outbox: PaymentOutbox,
  ) {}

  /** The payment voided, or as it is when it already will never be captured. */
  async void(paymentId: string, correlationId: string | null = null): Promise<Payment> {
    if (!isUuid(paymentId)) throw new NotFoundError('Payment not found');
    const row = await this.db.prisma.$transaction(async (tx) => {
      const session = sqlSessionOf(tx);
      const payment = await this.settlement.lock(session, paymentId);
      if (!payment) throw new NotFoundError('Payment not found');
      if (UNCAPTURED.includes(payment.status)) {
        return this.settlement.void(session, payment, 'order_cancelled', correlationId);
      }
      if (payment.status !== 'DECLINED' && payment.status !== 'VOIDED') {
        throw new ConflictError(`A ${payment.status} payment cannot be voided`, {
          paymentId,
          status: payment.status,
        });
      }
      return tx.payment.findUniqueOrThrow({ select: chargeColumns, where: { id: paymentId } });
    }, PAYMENT_TRANSACTION);
    this.outbox.committed();
    return toPayment(row);
  }
}
