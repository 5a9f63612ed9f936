import { randomUUID } from 'node:crypto';
import {
  enumNameOf,
  SQL_NOW,
  tableNameOf,
  tableOf,
  type Database,
  type PaymentOutbox,
  type PaymentStatus,
  type Prisma,
  type TransactionKind,
} from '../db';
import type { CardProcessor } from '../processor/card-processor';
import { paymentColumns, type PaymentRow } from './payment.mapper';
import { sqlUtc } from '@shop/database';

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

/** A payment's move as its one statement writes it: the new status and what else changes. */
interface Move {
  status: PaymentStatus;
  processorRef?: string;
  declineCode?: string;
  reviewRequired?: boolean;
  authorizationExpiresAt?: Date;
}

/** The log entry a move writes. */
interface LogEntry {
  kind: TransactionKind;
  success: boolean;
  detail: string;
}

/** An outbox CTE reading the moved row (`moved`), its parameters numbered after `offset`. */
type EventOf = (offset: number) => { sql: string; values: unknown[] };

/** The statuses of an authorization not yet captured: what may be captured or voided. */
export const UNCAPTURED: readonly PaymentStatus[] = ['AUTHORIZED', 'AWAITING_REVIEW'];

/**
 * How a payment moves, in the caller's transaction: the processor's call,
 * then the payment's new status, its log entry and its event in one
 * statement (`move`). Authorizing, capturing (by the saga or an ADMIN's
 * approval), voiding and declining of any cause go through here alike. Every
 * processor call carries a key derived from the payment's own, so one
 * repeated after a rollback settles once. The caller's transaction holds the
 * payment (its row lock, or its key's unique index) across the processor's
 * call: that is what makes racing callers wait and ask the processor once.
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
    const { paymentId, orderId, userId, amount, currency } = payment;
    return this.move(
      tx,
      paymentId,
      {
        status: 'AUTHORIZED',
        processorRef: outcome.reference,
        reviewRequired: hold.reviewRequired,
        authorizationExpiresAt: hold.expiresAt,
      },
      { kind: 'AUTHORIZE', success: true, detail: outcome.reference },
      hold.reviewRequired
        ? (offset) =>
            this.outbox.insertFrom(
              'moved',
              offset,
              'PaymentHeldForReview',
              paymentId,
              { paymentId, orderId, userId, amount: { amount, currency } },
              { version: '1', correlationId },
            )
        : undefined,
    );
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
    return this.move(
      tx,
      paymentId,
      { status: 'SUCCEEDED', processorRef: outcome.reference },
      { kind: 'CAPTURE', success: true, detail: outcome.reference },
      (offset) =>
        this.outbox.insertFrom(
          'moved',
          offset,
          'PaymentCaptured',
          paymentId,
          { paymentId, orderId, userId, amount: { amount, currency } },
          { version: '1', correlationId },
        ),
    );
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
    const { paymentId, orderId, userId } = payment;
    const options = { version: '1', correlationId };
    return this.move(
      tx,
      paymentId,
      { status: reason === 'review_rejected' ? 'DECLINED' : 'VOIDED', declineCode: reason },
      { kind: 'VOID', success: true, detail: `${reason} ${reference}` },
      (offset) =>
        reason === 'review_rejected'
          ? this.outbox.insertFrom(
              'moved',
              offset,
              'PaymentDeclined',
              paymentId,
              { paymentId, orderId, userId, code: reason },
              options,
            )
          : this.outbox.insertFrom(
              'moved',
              offset,
              'PaymentVoided',
              paymentId,
              { paymentId, orderId, userId, reason },
              options,
            ),
    );
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
    return this.move(
      tx,
      paymentId,
      { status: 'DECLINED', declineCode: code },
      { kind, success: false, detail },
      (offset) =>
        this.outbox.insertFrom(
          'moved',
          offset,
          'PaymentDeclined',
          paymentId,
          { paymentId, orderId, userId, code },
          { version: '1', correlationId },
        ),
    );
  }

  /**
   * Puts an authorization before an ADMIN (AWAITING_REVIEW), logged as
   * REVIEW: its capture waits for the decision (ReviewService).
   */
  putBeforeReview(tx: Prisma.TransactionClient, payment: LockedPayment): Promise<ChargeRow> {
    return this.move(
      tx,
      payment.paymentId,
      { status: 'AWAITING_REVIEW' },
      { kind: 'REVIEW', success: false, detail: 'requires_review' },
    );
  }

  /**
   * The payment's new status, its log entry and its event (if it has one) in
   * one statement of CTEs, where Prisma took three statements and compiled
   * each (the update alone cost more CPU than the statement). The log entry
   * and the event are written only if the payment row was (`moved`). Times
   * are the caller's clock, as Prisma wrote them, so a transaction's entries
   * keep the order they were made in.
   */
  private async move(
    tx: Prisma.TransactionClient,
    paymentId: string,
    move: Move,
    entry: LogEntry,
    eventOf?: EventOf,
  ): Promise<ChargeRow> {
    const values = [
      paymentId,
      move.status,
      move.processorRef ?? null,
      move.declineCode ?? null,
      move.reviewRequired ?? null,
      move.authorizationExpiresAt?.toISOString() ?? null,
      new Date().toISOString(),
      randomUUID(),
      entry.kind,
      entry.success,
      entry.detail,
    ];
    const event = eventOf?.(values.length);
    const [row] = await tx.$queryRawUnsafe<ChargeRow[]>(
      `WITH moved AS (
         UPDATE ${tableNameOf(this.db, 'Payment')} SET
           "status" = $2::${enumNameOf(this.db, 'PaymentStatus')},
           "processorRef" = COALESCE($3, "processorRef"),
           "declineCode" = COALESCE($4, "declineCode"),
           "reviewRequired" = COALESCE($5::boolean, "reviewRequired"),
           "authorizationExpiresAt" =
             COALESCE(${sqlUtc('$6')}, "authorizationExpiresAt"),
           "updatedAt" = ${sqlUtc('$7')}
         WHERE "id" = $1::uuid
         RETURNING *
       ), logged AS (
         INSERT INTO ${tableNameOf(this.db, 'PaymentTransaction')}
           ("id", "paymentId", "userId", "kind", "amount", "currency", "success", "detail", "createdAt")
         SELECT $8::uuid, "id", "userId", $9::${enumNameOf(this.db, 'TransactionKind')}, "amount", "currency",
                $10::boolean, $11, ${sqlUtc('$7')}
           FROM moved
       )${event ? `, event AS (${event.sql})` : ''}
       SELECT "id"::text, "orderId"::text, "userId"::text, "paymentMethodId"::text,
              "status"::text, "amount", "refundedAmount", "currency", "createdAt",
              "idempotencyKey", "declineCode"
         FROM moved`,
      ...values,
      ...(event?.values ?? []),
    );
    if (!row) throw new Error(`Payment ${paymentId} vanished while it was being settled`);
    return { ...row, createdAt: new Date(row.createdAt) };
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
