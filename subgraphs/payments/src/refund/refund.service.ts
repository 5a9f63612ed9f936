import { isUuid, isUniqueViolation, idempotencyKeyOf } from '@shop/federation';
import { BadUserInputError, ConflictError, NotFoundError, trimmedText } from '@shop/platform';
import {
  PAYMENT_TRANSACTION,
  tableOf,
  type Database,
  type PaymentOutbox,
  type PaymentStatus,
} from '../db';
import { paymentColumns, toPayment } from '../payment/payment.mapper';
import { numberOf } from '../payment/settlement';
import type { Payment } from '../payment/payment.type';
import type { CardProcessor } from '../processor/card-processor';
import { amountOf } from '../validation';
import { refundColumns, toRefund } from './refund.mapper';
import type { Refund } from './refund.type';

const MAX_REASON_LENGTH = 500;

export interface RefundRequest {
  paymentId: string;
  amount: number;
  idempotencyKey: string;
  reason?: string | null;
}

interface LockedPayment {
  orderId: string;
  orderNumber: number | null;
  userId: string;
  amount: number;
  refundedAmount: number;
  currency: string;
  status: PaymentStatus;
  processorRef: string | null;
}

export class RefundService {
  constructor(
    private readonly db: Database,
    private readonly processor: CardProcessor,
    private readonly outbox: PaymentOutbox,
  ) {}

  /** The refunds of each payment, oldest first. */
  async ofPayments(paymentIds: readonly string[]): Promise<Refund[]> {
    const rows = await this.db.prisma.refund.findMany({
      select: refundColumns,
      where: { paymentId: { in: paymentIds.filter(isUuid) } },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    });
    return rows.map(toRefund);
  }

  /**
   * Returns money from a captured payment, in full or in part; answers the
   * payment. The payment row is locked first, so refunds of one payment
   * take turns and each sees what the others refunded: never more than was
   * captured. A key already used answers the payment without refunding again.
   */
  async refund(request: RefundRequest, correlationId: string | null = null): Promise<Payment> {
    if (!isUuid(request.paymentId)) throw new NotFoundError('Payment not found');
    const input = {
      paymentId: request.paymentId,
      amount: amountOf(request.amount),
      idempotencyKey: idempotencyKeyOf(request.idempotencyKey),
      reason:
        request.reason == null ? null : trimmedText(request.reason, 'reason', 0, MAX_REASON_LENGTH),
    };
    const payments = tableOf(this.db, 'Payment');
    try {
      const refunded = await this.db.prisma.$transaction(async (tx) => {
        const [payment] = await tx.$queryRaw<LockedPayment[]>`
          SELECT "orderId"::text, "orderNumber", "userId"::text, "amount", "refundedAmount",
                 "currency", "status"::text, "processorRef"
            FROM ${payments} WHERE "id" = ${input.paymentId}::uuid FOR UPDATE`;
        if (!payment) throw new NotFoundError('Payment not found');
        const earlier = await tx.refund.findUnique({
          select: { paymentId: true, amount: true },
          where: { idempotencyKey: input.idempotencyKey },
        });
        if (earlier) {
          sameRefund(earlier, input);
          return false;
        }

        const captured = payment.status === 'SUCCEEDED' || payment.status === 'PARTIALLY_REFUNDED';
        const refundable = captured ? payment.amount - payment.refundedAmount : 0;
        if (input.amount > refundable || !payment.processorRef) {
          throw new BadUserInputError(
            `At most ${refundable} ${payment.currency} of this payment can be refunded`,
            { field: 'amount', refundable },
          );
        }
        const { reference } = await this.processor.refund({
          reference: payment.processorRef,
          amount: input.amount,
          idempotencyKey: input.idempotencyKey,
        });
        const currency = payment.currency;
        await tx.refund.create({
          data: { ...input, currency, processorRef: reference },
        });
        const refundedAmount = payment.refundedAmount + input.amount;
        await tx.payment.update({
          where: { id: input.paymentId },
          data: {
            refundedAmount,
            status: refundedAmount === payment.amount ? 'REFUNDED' : 'PARTIALLY_REFUNDED',
          },
        });
        await tx.paymentTransaction.create({
          data: {
            paymentId: input.paymentId,
            userId: payment.userId,
            kind: 'REFUND',
            amount: input.amount,
            currency,
            success: true,
            detail: reference,
          },
        });
        await this.outbox.record(
          tx,
          'PaymentRefunded',
          input.paymentId,
          {
            paymentId: input.paymentId,
            orderId: payment.orderId,
            userId: payment.userId,
            amount: { amount: input.amount, currency },
            ...numberOf(payment.orderNumber),
          },
          { correlationId },
        );
        return true;
      }, PAYMENT_TRANSACTION);
      if (refunded) this.outbox.committed();
    } catch (error) {
      // The key was taken meanwhile by a refund of another payment (one of this payment waits
      // on its row lock instead and then finds the refund).
      if (!isUniqueViolation(error)) throw error;
      const earlier = await this.db.prisma.refund.findUnique({
        select: { paymentId: true, amount: true },
        where: { idempotencyKey: input.idempotencyKey },
      });
      if (!earlier) throw error;
      sameRefund(earlier, input);
    }
    const row = await this.db.prisma.payment.findUniqueOrThrow({
      select: paymentColumns,
      where: { id: input.paymentId },
    });
    return toPayment(row);
  }
}

/** A key names one refund: reused for another payment or amount, it is a CONFLICT. */
function sameRefund(
  earlier: { paymentId: string; amount: number },
  input: { paymentId: string; amount: number },
): void {
  if (earlier.paymentId !== input.paymentId || earlier.amount !== input.amount) {
    throw new ConflictError('The idempotency key was used for a different refund');
  }
}
