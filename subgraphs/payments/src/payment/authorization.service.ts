import { isUuid, isUniqueViolation, idempotencyKeyOf, uuidOf } from '@shop/federation';
import { ConflictError, NotFoundError, integerIn } from '@shop/platform';
import type { FraudSettings } from '../config';
import { PAYMENT_TRANSACTION, type Database, type PaymentOutbox, type Prisma } from '../db';
import { amountOf, currencyOf } from '../validation';
import { blockedUntil, declinesSince } from './fraud';
import { answer } from './payment-answer';
import type { Payment } from './payment.type';
import { chargeColumns, UNCAPTURED, type ChargeRow, type Settlement } from './settlement';

/** A processor holds an authorization for about a week; none here waits longer for its capture. */
const MAX_TTL_SECONDS = 7 * 24 * 60 * 60;

export interface AuthorizeRequest {
  orderId: string;
  userId: string;
  paymentMethodId: string;
  amount: number;
  currency: string;
  idempotencyKey: string;
  ttlSeconds: number;
}

type AuthorizeInput = Omit<AuthorizeRequest, 'ttlSeconds'>;

/**
 * Authorizes orders' amounts on saved cards, once per idempotency key: the
 * first step of a payment, where a card is declined before its order holds
 * any stock. The payment row is created first, in the transaction that then
 * applies the fraud rules, asks the processor and records the outcome: a
 * second request with the key waits on the unique index until the first
 * commits, then answers its payment. Authorizations of one user take turns
 * (an advisory lock on the user), so the fraud rules count every decline and
 * every payment awaiting review. CaptureService takes it from there.
 */
export class AuthorizationService {
  constructor(
    private readonly db: Database,
    private readonly settlement: Settlement,
    private readonly outbox: PaymentOutbox,
    private readonly fraud: FraudSettings,
  ) {}

  /** The AUTHORIZED payment, or PAYMENT_DECLINED (after the declined payment is committed). */
  async authorize(
    request: AuthorizeRequest,
    correlationId: string | null = null,
  ): Promise<Payment> {
    const input: AuthorizeInput = {
      orderId: uuidOf(request.orderId, 'orderId'),
      userId: uuidOf(request.userId, 'userId'),
      paymentMethodId: request.paymentMethodId,
      amount: amountOf(request.amount),
      currency: currencyOf(request.currency),
      idempotencyKey: idempotencyKeyOf(request.idempotencyKey),
    };
    const ttlSeconds = integerIn(request.ttlSeconds, 'ttlSeconds', 1, MAX_TTL_SECONDS);
    const first = await this.byKey(input.idempotencyKey);
    if (first) return answer(sameAuthorization(first, input));

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
        (tx) => this.settle(tx, input, method.token, ttlSeconds, correlationId),
        PAYMENT_TRANSACTION,
      );
    } catch (error) {
      // A concurrent request with the key committed first: its payment is the answer.
      if (!isUniqueViolation(error)) throw error;
      const winner = await this.byKey(input.idempotencyKey);
      if (!winner) throw error;
      return answer(sameAuthorization(winner, input));
    }
    this.outbox.committed();
    return answer(row);
  }

  private async settle(
    tx: Prisma.TransactionClient,
    input: AuthorizeInput,
    token: string,
    ttlSeconds: number,
    correlationId: string | null,
  ): Promise<ChargeRow> {
    const { id: paymentId } = await tx.payment.create({
      select: { id: true },
      data: { ...input, status: 'PENDING' },
    });
    await tx.$queryRaw`SELECT 1 AS locked FROM pg_advisory_xact_lock(hashtextextended(${input.userId}, 0))`;
    const settling = { paymentId, ...input };
    const now = new Date();

    if (await this.isBlocked(tx, input.userId, now)) {
      return this.settlement.decline(tx, settling, 'fraud_blocked', 'FRAUD_BLOCK', correlationId);
    }
    // A payment above the threshold waits for an ADMIN, its order's stock held meanwhile:
    // a user may have only so many waiting, or a few orders could hold a product's whole stock.
    const reviewRequired = input.amount > this.fraud.reviewThreshold;
    if (
      reviewRequired &&
      (await this.awaitingReview(tx, input.userId)) >= this.fraud.reviewMaxPerCustomer
    ) {
      return this.settlement.decline(tx, settling, 'review_limit', 'FRAUD_BLOCK', correlationId);
    }
    return this.settlement.authorize(
      tx,
      settling,
      { token, idempotencyKey: input.idempotencyKey },
      { reviewRequired, expiresAt: new Date(now.getTime() + ttlSeconds * 1_000) },
      correlationId,
    );
  }

  /** Whether the user's recent declines have them blocked now. */
  private async isBlocked(
    tx: Prisma.TransactionClient,
    userId: string,
    now: Date,
  ): Promise<boolean> {
    const declines = await tx.paymentTransaction.findMany({
      select: { createdAt: true },
      where: { userId, kind: 'DECLINE', createdAt: { gte: declinesSince(this.fraud, now) } },
      orderBy: { createdAt: 'asc' },
    });
    const times = declines.map((decline) => decline.createdAt);
    return blockedUntil(times, this.fraud, now) !== null;
  }

  /** The user's payments above the threshold whose authorization still waits for its capture. */
  private awaitingReview(tx: Prisma.TransactionClient, userId: string): Promise<number> {
    return tx.payment.count({
      where: {
        userId,
        reviewRequired: true,
        status: { in: [...UNCAPTURED] },
        authorizationExpiresAt: { gt: new Date() },
      },
    });
  }

  private byKey(idempotencyKey: string): Promise<ChargeRow | null> {
    return this.db.prisma.payment.findUnique({ select: chargeColumns, where: { idempotencyKey } });
  }
}

/** A key names one payment: reused for another order, card or amount, it is a CONFLICT. */
function sameAuthorization(row: ChargeRow, input: AuthorizeInput): ChargeRow {
  const same =
    row.orderId === input.orderId &&
    row.userId === input.userId &&
    row.paymentMethodId === input.paymentMethodId &&
    row.amount === input.amount &&
    row.currency === input.currency;
  if (!same) {
    throw new ConflictError('The idempotency key was used for a different payment', {
      paymentId: row.id,
    });
  }
  return row;
}
