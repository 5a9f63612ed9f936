import {
  SQL_NOW,
  tableOf,
  type Database,
  type PaymentOutbox,
  type PaymentStatus,
  type Prisma,
  type TransactionKind,
} from '../db';
import type { CardProcessor } from '../processor/card-processor';
import { paymentColumns, type PaymentRow } from './payment.mapper';

/**
 * Why a payment was refused or given back: the processor's code, the fraud
 * rules', an ADMIN's review, or its order's fate.
 */
export type DeclineReason =
  | 'card_declined'
  | 'insufficient_funds'
  | 'fraud_blocked'
  | 'review_limit'
  | 'review_rejected'
  | 'order_cancelled'
  | 'authorization_expired';

export const chargeColumns = {
  ...paymentColumns,
  idempotencyKey: true,
  declineCode: true,
} as const;
export type ChargeRow = PaymentRow & { idempotencyKey: string; declineCode: string | null };

/** The payment being settled, as the log entries and events name it. */
export interface Settling {
  paymentId: string;
  orderId: string;
  userId: string;
  amount: number;
  currency: string;
}

/** A payment read under its row lock, with what deciding it needs. */
export interface LockedPayment extends Settling {
  status: PaymentStatus;
  idempotencyKey: string;
  /** The authorization's reference while uncaptured. */
  processorRef: string | null;
  reviewRequired: boolean;
  /** Whether its authorization's time is up (read by the database's clock, as it was written). */
  expired: boolean;
}

/** The statuses of an authorization not yet captured: what may be captured or voided. */
export const UNCAPTURED: readonly PaymentStatus[] = ['AUTHORIZED', 'AWAITING_REVIEW'];

/**
 * How a payment moves, in the caller's transaction: the processor's call,
 * the log entries, the event and the payment's new status. Authorizing,
 * capturing (by the saga or an ADMIN's approval), voiding and declining of
 * any cause go through here alike. Every processor call carries a key
 * derived from the payment's own, so one repeated after a rollback settles
 * once.
 */
export class Settlement {
  constructor(
    private readonly db: Database,
    private readonly processor: CardProcessor,
    private readonly outbox: PaymentOutbox,
  ) {}

  /** The payment, its row locked for the rest of the transaction; undefined if there is none. */
  async lock(tx: Prisma.TransactionClient, paymentId: string): Promise<LockedPayment | undefined> {
    const [locked] = await tx.$queryRaw<LockedPayment[]>`
      SELECT "id"::text AS "paymentId", "orderId"::text, "userId"::text, "amount", "currency",
             "status"::text, "idempotencyKey", "processorRef", "reviewRequired",
             coalesce("authorizationExpiresAt" <= ${SQL_NOW}, false) AS "expired"
        FROM ${tableOf(this.db, 'Payment')} WHERE "id" = ${paymentId}::uuid FOR UPDATE`;
    return locked;
  }

  /**
   * Asks the processor to hold the amount on the card: AUTHORIZED until
   * `hold.expiresAt` (captures above the review threshold wait for an ADMIN),
   * or DECLINED with the processor's code.
   */
  async authorize(
    tx: Prisma.TransactionClient,
    payment: Settling,
    card: { token: string; idempotencyKey: string },
    hold: { reviewRequired: boolean; expiresAt: Date },
    correlationId: string | null,
  ): Promise<ChargeRow> {
    const outcome = await this.processor.authorize({
      token: card.token,
      amount: payment.amount,
      currency: payment.currency,
      idempotencyKey: card.idempotencyKey,
    });
    if (!outcome.approved) {
      return this.decline(tx, payment, outcome.code, 'DECLINE', correlationId);
    }
    await this.log(tx, payment, 'AUTHORIZE', true, outcome.reference);
    if (hold.reviewRequired) {
      const { paymentId, orderId, userId, amount, currency } = payment;
      await this.outbox.record(
        tx,
        'PaymentHeldForReview',
        paymentId,
        { paymentId, orderId, userId, amount: { amount, currency } },
        { correlationId },
      );
    }
    return tx.payment.update({
      select: chargeColumns,
      where: { id: payment.paymentId },
      data: {
        status: 'AUTHORIZED',
        processorRef: outcome.reference,
        reviewRequired: hold.reviewRequired,
        authorizationExpiresAt: hold.expiresAt,
      },
    });
  }

  /** Takes the authorized amount: SUCCEEDED with PaymentCaptured, or DECLINED if the processor refuses. */
  async capture(
    tx: Prisma.TransactionClient,
    payment: LockedPayment,
    correlationId: string | null,
  ): Promise<ChargeRow> {
    const outcome = await this.processor.capture({
      authorization: authorizationOf(payment),
      amount: payment.amount,
      idempotencyKey: `${payment.idempotencyKey}:capture`,
    });
    if (!outcome.approved) {
      return this.decline(tx, payment, outcome.code, 'DECLINE', correlationId);
    }
    const { paymentId, orderId, userId, amount, currency } = payment;
    await this.log(tx, payment, 'CAPTURE', true, outcome.reference);
    await this.outbox.record(
      tx,
      'PaymentCaptured',
      paymentId,
      { paymentId, orderId, userId, amount: { amount, currency } },
      { correlationId },
    );
    return tx.payment.update({
      select: chargeColumns,
      where: { id: paymentId },
      data: { status: 'SUCCEEDED', processorRef: outcome.reference },
    });
  }

  /**
   * Gives the held amount back on the card. An ADMIN's rejection declines the
   * payment (DECLINED, PaymentDeclined); any other reason voids it (VOIDED,
   * PaymentVoided): the card was good, the order did not go ahead.
   */
  async void(
    tx: Prisma.TransactionClient,
    payment: LockedPayment,
    reason: Extract<DeclineReason, 'review_rejected' | 'order_cancelled' | 'authorization_expired'>,
    correlationId: string | null,
  ): Promise<ChargeRow> {
    const { reference } = await this.processor.void({
      authorization: authorizationOf(payment),
      idempotencyKey: `${payment.idempotencyKey}:void`,
    });
    await this.log(tx, payment, 'VOID', true, `${reason} ${reference}`);
    const { paymentId, orderId, userId } = payment;
    if (reason === 'review_rejected') {
      await this.outbox.record(
        tx,
        'PaymentDeclined',
        paymentId,
        { paymentId, orderId, userId, code: reason },
        { correlationId },
      );
    } else {
      await this.outbox.record(
        tx,
        'PaymentVoided',
        paymentId,
        { paymentId, orderId, userId, reason },
        { correlationId },
      );
    }
    return tx.payment.update({
      select: chargeColumns,
      where: { id: paymentId },
      data: { status: reason === 'review_rejected' ? 'DECLINED' : 'VOIDED', declineCode: reason },
    });
  }

  /** DECLINED with its code, the log entry of `kind` (its detail the code unless given) and PaymentDeclined. */
  async decline(
    tx: Prisma.TransactionClient,
    payment: Settling,
    code: DeclineReason,
    kind: 'DECLINE' | 'FRAUD_BLOCK' | 'REVIEW',
    correlationId: string | null,
    detail: string = code,
  ): Promise<ChargeRow> {
    const { paymentId, orderId, userId } = payment;
    await this.log(tx, payment, kind, false, detail);
    await this.outbox.record(
      tx,
      'PaymentDeclined',
      paymentId,
      { paymentId, orderId, userId, code },
      { correlationId },
    );
    return tx.payment.update({
      select: chargeColumns,
      where: { id: paymentId },
      data: { status: 'DECLINED', declineCode: code },
    });
  }

  /** An entry of the append-only transaction log. */
  async log(
    tx: Prisma.TransactionClient,
    payment: Settling,
    kind: TransactionKind,
    success: boolean,
    detail: string,
  ): Promise<void> {
    const { paymentId, userId, amount, currency } = payment;
    await tx.paymentTransaction.create({
      data: { paymentId, userId, amount, currency, kind, success, detail },
    });
  }
}

function authorizationOf(payment: LockedPayment): string {
  if (!payment.processorRef) {
    throw new Error(`Payment ${payment.paymentId} is ${payment.status} without an authorization`);
  }
  return payment.processorRef;
}
