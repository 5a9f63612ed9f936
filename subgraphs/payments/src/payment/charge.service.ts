import { isUuid, translatePrismaError } from '@shop/federation';
import { ConflictError, NotFoundError, PaymentDeclinedError } from '@shop/platform';
import type { FraudSettings } from '../config';
import { PAYMENT_TRANSACTION, type Database, type PaymentOutbox, type Prisma } from '../db';
import { amountOf, currencyOf, idempotencyKeyOf, uuidOf } from '../validation';
import { blockedUntil, declinesSince } from './fraud';
import { toPayment } from './payment.mapper';
import type { Payment } from './payment.type';
import { chargeColumns, type ChargeRow, type DeclineReason, type Settlement } from './settlement';

export interface ChargeRequest {
  orderId: string;
  userId: string;
  paymentMethodId: string;
  amount: number;
  currency: string;
  idempotencyKey: string;
}

const DECLINE_MESSAGES: Record<DeclineReason, string> = {
  card_declined: 'The card was declined',
  insufficient_funds: 'The card has insufficient funds',
  fraud_blocked: 'Too many declined payments; try again later',
  review_rejected: 'An ADMIN rejected the payment on review',
  order_cancelled: 'The order was cancelled before the payment was decided',
};

/**
 * Charges orders to saved cards, once per idempotency key. The payment row is
 * created first, in the transaction that then asks the processor and records
 * the outcome: a second request with the key waits on the unique index until
 * the first commits, then answers its payment. Charges of one user take turns
 * (an advisory lock on the user), so the fraud rules count every decline.
 * Amounts above the review threshold stay PENDING for an ADMIN (ReviewService).
 */
export class ChargeService {
  constructor(
    private readonly db: Database,
    private readonly settlement: Settlement,
    private readonly outbox: PaymentOutbox,
    private readonly fraud: FraudSettings,
  ) {}

  /**
   * The captured payment, the PENDING one when the amount needs an ADMIN's review, or
   * PAYMENT_DECLINED (after the declined payment is committed).
   */
  async charge(request: ChargeRequest, correlationId: string | null = null): Promise<Payment> {
    const input = {
      orderId: uuidOf(request.orderId, 'orderId'),
      userId: uuidOf(request.userId, 'userId'),
      paymentMethodId: request.paymentMethodId,
      amount: amountOf(request.amount),
      currency: currencyOf(request.currency),
      idempotencyKey: idempotencyKeyOf(request.idempotencyKey),
    };
    const first = await this.byKey(input.idempotencyKey);
    if (first) return answer(sameCharge(first, input));

    const method = isUuid(input.paymentMethodId)
      ? await this.db.prisma.paymentMethod.findFirst({
          select: { token: true },
          where: { id: input.paymentMethodId, userId: input.userId, removedAt: null },
        })
      : null;
    // Another user's card answers exactly like an unknown one.
    if (!method) throw new NotFoundError('Payment method not found');

    let row: ChargeRow;
    try {
      row = await this.db.prisma.$transaction(
        (tx) => this.settle(tx, input, method.token, correlationId),
        PAYMENT_TRANSACTION,
      );
    } catch (error) {
      // A concurrent request with the key committed first: its payment is the answer.
      if (!(translatePrismaError(error) instanceof ConflictError)) throw error;
      const winner = await this.byKey(input.idempotencyKey);
      if (!winner) throw error;
      return answer(sameCharge(winner, input));
    }
    this.outbox.committed();
    return answer(row);
  }

  private async settle(
    tx: Prisma.TransactionClient,
    input: ChargeRequest,
    token: string,
    correlationId: string | null,
  ): Promise<ChargeRow> {
    const { id: paymentId } = await tx.payment.create({
      select: { id: true },
      data: { ...input, status: 'PENDING' },
    });
    await tx.$queryRaw`SELECT 1 AS locked FROM pg_advisory_xact_lock(hashtextextended(${input.userId}, 0))`;
    const settling = { paymentId, ...input };

    if (await this.isBlocked(tx, input.userId)) {
      return this.settlement.decline(tx, settling, 'fraud_blocked', 'FRAUD_BLOCK', correlationId);
    }
    // Large amounts are not charged yet: the payment stays PENDING until an ADMIN reviews it
    // (ReviewService), and a charge repeated with the key answers it as it then is.
    if (input.amount > this.fraud.reviewThreshold) {
      await tx.paymentTransaction.create({
        data: {
          paymentId,
          userId: input.userId,
          amount: input.amount,
          currency: input.currency,
          kind: 'REVIEW',
          success: false,
          detail: 'requires_review',
        },
      });
      return tx.payment.findUniqueOrThrow({ select: chargeColumns, where: { id: paymentId } });
    }

    return this.settlement.charge(
      tx,
      settling,
      { token, idempotencyKey: input.idempotencyKey },
      correlationId,
    );
  }

  /** Whether the user's recent declines have them blocked now. */
  private async isBlocked(tx: Prisma.TransactionClient, userId: string): Promise<boolean> {
    const now = new Date();
    const declines = await tx.paymentTransaction.findMany({
      select: { createdAt: true },
      where: { userId, kind: 'DECLINE', createdAt: { gte: declinesSince(this.fraud, now) } },
      orderBy: { createdAt: 'asc' },
    });
    const times = declines.map((decline) => decline.createdAt);
    return blockedUntil(times, this.fraud, now) !== null;
  }

  private byKey(idempotencyKey: string): Promise<ChargeRow | null> {
    return this.db.prisma.payment.findUnique({ select: chargeColumns, where: { idempotencyKey } });
  }
}

/** A key names one charge: reused for another order, card or amount, it is a CONFLICT. */
function sameCharge(row: ChargeRow, input: ChargeRequest): ChargeRow {
  const same =
    row.orderId === input.orderId &&
    row.userId === input.userId &&
    row.paymentMethodId === input.paymentMethodId &&
    row.amount === input.amount &&
    row.currency === input.currency;
  if (!same) {
    throw new ConflictError('The idempotency key was used for a different charge', {
      paymentId: row.id,
    });
  }
  return row;
}

/** A declined payment answers PAYMENT_DECLINED, the first time and on every retry. */
function answer(row: ChargeRow): Payment {
  if (row.status === 'DECLINED') {
    const reason = (row.declineCode ?? 'card_declined') as DeclineReason;
    throw new PaymentDeclinedError(DECLINE_MESSAGES[reason] ?? DECLINE_MESSAGES.card_declined, {
      declineCode: reason,
      paymentId: row.id,
    });
  }
  return toPayment(row);
}
