import { randomUUID } from 'node:crypto';
import { isUuid, idempotencyKeyOf, uuidOf } from '@shop/federation';
import { ConflictError, NotFoundError, integerIn } from '@shop/platform';
import type { FraudSettings } from '../config';
import { sqlSessionOf, type SqlSession } from '@shop/database';
import {
  PAYMENT_SQL_TRANSACTION,
  PAYMENT_TRANSACTION,
  Prisma,
  SQL_NOW,
  tableOf,
  timestampOf,
  type Database,
  type PaymentOutbox,
} from '../db';
import { toPaymentMethod, type PaymentMethodRow } from '../payment-method/payment-method.mapper';
import type { PaymentMethod } from '../payment-method/payment-method.type';
import { amountOf, currencyOf } from '../validation';
import { blockedUntil, declinesSince } from './fraud';
import { answer } from './payment-answer';
import type { Payment } from './payment.type';
import { chargeColumns, UNCAPTURED, type ChargeRow, type Settlement } from './settlement';
import { userTurn } from './user-turn';

/** A processor holds an authorization for about a week; none here waits longer for its capture. */
const MAX_TTL_SECONDS = 7 * 24 * 60 * 60;

export interface ChargeRequest {
  orderId: string;
  orderNumber?: number | null;
  userId: string;
  paymentMethodId: string;
  amount: number;
  currency: string;
  idempotencyKey: string;
  ttlSeconds: number;
}

type ChargeInput = Omit<ChargeRequest, 'ttlSeconds' | 'orderNumber'> & {
  orderNumber: number | null;
};

/**
 * Charges orders' amounts to saved cards, once per idempotency key: the
 * checkout saga's payment step, taken once its order's stock is held. The
 * card is authorized and, unless the fraud rules put the payment before an
 * ADMIN (above the review threshold: AWAITING_REVIEW, decided by
 * ReviewService), captured, in one transaction: the payment row is created
 * first, then the fraud rules applied, the processor asked and the outcome
 * recorded, so a second request with the key waits on the unique index until
 * the first commits, then answers its payment. Charges of one user take
 * turns (an advisory lock on the user), so the fraud rules count every
 * decline and every payment awaiting review. Three statements in all (the
 * claim with the card's token and the turn, the user's history, the outcome
 * with its log entries and event), where authorizing, then capturing in a
 * call of its own, took five statements in two transactions: the
 * processor's calls before the last are why it is not one.
 */
export class ChargeService {
  constructor(
    private readonly db: Database,
    private readonly settlement: Settlement,
    private readonly outbox: PaymentOutbox,
    private readonly fraud: FraudSettings,
  ) {}

  /**
   * The payment SUCCEEDED, PENDING (AWAITING_REVIEW) while an ADMIN reviews
   * it, or PAYMENT_DECLINED (after the declined payment is committed); asked
   * again, the payment as it then is. `withMethod` is told the card a new
   * payment was charged to, read with the card's token, so the answer's
   * `method` needs no query of its own (the checkout's answer shows it).
   */
  async charge(
    request: ChargeRequest,
    correlationId: string | null,
    withMethod: (method: PaymentMethod) => void,
  ): Promise<Payment> {
    const input: ChargeInput = {
      orderId: uuidOf(request.orderId, 'orderId'),
      orderNumber:
        request.orderNumber == null
          ? null
          : integerIn(request.orderNumber, 'orderNumber', 1, 2_147_483_647),
      userId: uuidOf(request.userId, 'userId'),
      paymentMethodId: request.paymentMethodId,
      amount: amountOf(request.amount),
      currency: currencyOf(request.currency),
      idempotencyKey: idempotencyKeyOf(request.idempotencyKey),
    };
    const ttlSeconds = integerIn(request.ttlSeconds, 'ttlSeconds', 1, MAX_TTL_SECONDS);
    const settled = isUuid(input.paymentMethodId)
      ? await this.db.sql.transaction(
          (tx) => this.settle(tx, input, ttlSeconds, correlationId),
          PAYMENT_SQL_TRANSACTION,
        )
      : undefined;
    if (settled) {
      this.outbox.committed();
      withMethod(toPaymentMethod(settled.method));
      return answer(settled.row);
    }
    // The key was taken (a repeated or racing call: its payment is the answer), or the card is
    // not this user's: another user's card answers exactly like an unknown one.
    const first = await this.byKey(input.idempotencyKey);
    if (!first) throw new NotFoundError('Payment method not found');
    sameCharge(first, input);
    // Authorized, not yet captured, by the authorizePayment this replaced (an order whose saga
    // began before it, resumed since): captured now, as its capturePayment would have.
    if (first.status === 'AUTHORIZED') return this.captureAuthorized(first.id, correlationId);
    return answer(first);
  }

  /**
   * Claims the key with a PENDING payment, then applies the fraud rules, asks
   * the processor and records the outcome, holding the key's index entry (a
   * second request with the key waits on it, then finds it taken) and the
   * user's turn throughout. Answers the payment and its card (without its
   * token), or nothing when the key was taken or the card is not the user's.
   */
  private async settle(
    tx: SqlSession,
    input: ChargeInput,
    ttlSeconds: number,
    correlationId: string | null,
  ): Promise<{ row: ChargeRow; method: PaymentMethodRow } | undefined> {
    const paymentId = randomUUID();
    const [claim] = await tx.rows<{
      token: string | null;
      method: PaymentMethodRow | null;
      claimed: boolean;
    }>(Prisma.sql`
      WITH method AS (
        SELECT "token", "id", "userId", "brand", "last4", "expMonth", "expYear"
          FROM ${tableOf(this.db, 'PaymentMethod')}
         WHERE "id" = ${input.paymentMethodId}::uuid AND "userId" = ${input.userId}::uuid
           AND "removedAt" IS NULL
      ), turn AS (
        SELECT 1 AS locked FROM ${userTurn(input.userId)}
      ), claimed AS (
        INSERT INTO ${tableOf(this.db, 'Payment')}
          ("id", "orderId", "orderNumber", "userId", "paymentMethodId", "idempotencyKey", "amount",
           "currency", "status", "createdAt", "updatedAt")
        SELECT ${paymentId}::uuid, ${input.orderId}::uuid, ${input.orderNumber}::int,
               ${input.userId}::uuid,
               ${input.paymentMethodId}::uuid, ${input.idempotencyKey}, ${input.amount}::int,
               ${input.currency}, 'PENDING', ${SQL_NOW}, ${SQL_NOW}
          FROM method, turn
        ON CONFLICT ("idempotencyKey") DO NOTHING
        RETURNING "id"
      )
      SELECT (SELECT "token" FROM method) AS "token",
             (SELECT json_build_object('id', "id", 'userId', "userId", 'brand', "brand",
                                       'last4', "last4", 'expMonth', "expMonth",
                                       'expYear', "expYear") FROM method) AS "method",
             EXISTS (SELECT 1 FROM claimed) AS "claimed"`);
    if (!claim?.token || !claim.method || !claim.claimed) return undefined;
    const { method } = claim;

    // Read after the user's turn began, so what an earlier turn committed counts.
    const now = new Date();
    const reviewRequired = input.amount > this.fraud.reviewThreshold;
    const [history] = await tx.rows<{
      orderCancelled: boolean;
      declines: number[];
      awaitingReview: number;
    }>(Prisma.sql`
      SELECT EXISTS (
               SELECT 1 FROM ${tableOf(this.db, 'CancelledOrder')}
                WHERE "orderId" = ${input.orderId}::uuid) AS "orderCancelled",
             ARRAY(
               SELECT (extract(epoch FROM "createdAt") * 1000)::float8
                 FROM ${tableOf(this.db, 'PaymentTransaction')}
                WHERE "userId" = ${input.userId}::uuid AND "kind" = 'DECLINE'
                  AND "createdAt" >= ${timestampOf(declinesSince(this.fraud, now))}
                ORDER BY "createdAt") AS "declines",
             CASE WHEN ${reviewRequired}::boolean THEN (
               SELECT count(*)::int FROM ${tableOf(this.db, 'Payment')}
                WHERE "userId" = ${input.userId}::uuid AND "reviewRequired"
                  AND "status"::text = ANY(${[...UNCAPTURED]}::text[])
                  AND "authorizationExpiresAt" > ${SQL_NOW})
             ELSE 0 END AS "awaitingReview"`);
    // The order was cancelled and its payments settled before this charge got its turn (its
    // saga's driver was slow): nothing is charged, and the claim is rolled back with the rest.
    if (history!.orderCancelled) {
      throw new ConflictError('The order was cancelled', { orderId: input.orderId });
    }
    const settling = { paymentId, ...input };
    const declines = history!.declines.map((time) => new Date(time));
    let row: ChargeRow;
    if (blockedUntil(declines, this.fraud, now) !== null) {
      row = await this.settlement.decline(
        tx,
        settling,
        'fraud_blocked',
        'FRAUD_BLOCK',
        correlationId,
      );
    } else if (reviewRequired && history!.awaitingReview >= this.fraud.reviewMaxPerCustomer) {
      // A payment above the threshold waits for an ADMIN, its order's stock held meanwhile: a
      // user may have only so many waiting, or a few orders could hold a product's whole stock.
      row = await this.settlement.decline(
        tx,
        settling,
        'review_limit',
        'FRAUD_BLOCK',
        correlationId,
      );
    } else {
      row = await this.settlement.charge(
        tx,
        settling,
        { token: claim.token, idempotencyKey: input.idempotencyKey },
        { reviewRequired, expiresAt: new Date(now.getTime() + ttlSeconds * 1_000) },
        correlationId,
      );
    }
    return { row, method };
  }

  /**
   * Captures an authorization, or puts it before an ADMIN above the review
   * threshold. The row is locked first, so a capture racing a void, an
   * expiry or a review is decided once; one decided already is answered.
   */
  private async captureAuthorized(
    paymentId: string,
    correlationId: string | null,
  ): Promise<Payment> {
    const row = await this.db.prisma.$transaction(async (tx) => {
      const session = sqlSessionOf(tx);
      const payment = await this.settlement.lock(session, paymentId);
      if (payment?.status !== 'AUTHORIZED') {
        return tx.payment.findUniqueOrThrow({ select: chargeColumns, where: { id: paymentId } });
      }
      if (payment.reviewRequired) return this.settlement.putBeforeReview(session, payment);
      return this.settlement.capture(session, payment, correlationId);
    }, PAYMENT_TRANSACTION);
    this.outbox.committed();
    return answer(row);
  }

  private byKey(idempotencyKey: string): Promise<ChargeRow | null> {
    return this.db.prisma.payment.findUnique({ select: chargeColumns, where: { idempotencyKey } });
  }
}

/** A key names one payment: reused for another order, card or amount, it is a CONFLICT. */
function sameCharge(row: ChargeRow, input: ChargeInput): void {
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
}
