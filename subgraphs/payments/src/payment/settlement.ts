import { randomUUID } from 'node:crypto';
import type { EventDataOf, EventTypeOf } from '@shop/events';
import {
  enumNameOf,
  enumOf,
  type PAYMENTS_STREAM,
  SQL_NOW,
  tableNameOf,
  tableOf,
  type Database,
  type PaymentOutbox,
  type PaymentStatus,
  Prisma,
  type TransactionKind,
} from '../db';
import type { CardProcessor } from '../processor/card-processor';
import { paymentColumns, type PaymentRow } from './payment.mapper';
import { sqlUtc, statement, type SqlSession } from '@shop/database';

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
  /** The order's number as its buyer knows it, when the charge was told it. */
  orderNumber: number | null;
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

/** A log entry a move writes, at the time it was made. */
interface LogEntry {
  kind: TransactionKind;
  success: boolean;
  detail: string;
  at: Date;
}

/** An outbox CTE reading the moved row (`moved`), its parameters numbered after `offset`. */
type EventOf = (offset: number) => { sql: string; values: unknown[] };

/** The statuses of an authorization not yet captured: what may be captured or voided. */
export const UNCAPTURED: readonly PaymentStatus[] = ['AUTHORIZED', 'AWAITING_REVIEW'];

/**
 * How a payment moves, in the caller's transaction (an SqlSession: the
 * charge's own, or a Prisma one's through sqlSessionOf): the processor's calls,
 * then the payment's new status, its log entries and its event in one
 * statement (`move`). Charging, capturing (an ADMIN's approval), voiding and
 * declining of any cause go through here alike. Every processor call carries a key derived from the payment's own, so one
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
  async lock(tx: SqlSession, paymentId: string): Promise<LockedPayment | undefined> {
    const [locked] = await tx.rows<LockedPayment>(Prisma.sql`
      SELECT "id"::text AS "paymentId", "orderId"::text, "orderNumber", "userId"::text, "amount",
             "currency",
             "status"::text, "idempotencyKey", "processorRef", "reviewRequired",
             coalesce("authorizationExpiresAt" <= ${SQL_NOW}, false) AS "expired"
        FROM ${tableOf(this.db, 'Payment')} WHERE "id" = ${paymentId}::uuid FOR UPDATE`);
    return locked;
  }

  /**
   * Holds the amount on the card and, unless its capture waits for an ADMIN
   * (above the review threshold: AWAITING_REVIEW until `hold.expiresAt`, with
   * PaymentHeldForReview), takes it (SUCCEEDED, PaymentCaptured): two
   * processor calls, then one statement. A refusal of either call is DECLINED
   * with the processor's code and PaymentDeclined.
   */
  async charge(
    tx: SqlSession,
    payment: Settling,
    card: { token: string; idempotencyKey: string },
    hold: { reviewRequired: boolean; expiresAt: Date },
    correlationId: string | null,
  ): Promise<ChargeRow> {
    const authorized = await this.processor.authorize({
      token: card.token,
      amount: payment.amount,
      currency: payment.currency,
      idempotencyKey: card.idempotencyKey,
    });
    if (!authorized.approved) {
      return this.decline(tx, payment, authorized.code, 'DECLINE', correlationId);
    }
    const held = {
      processorRef: authorized.reference,
      reviewRequired: hold.reviewRequired,
      authorizationExpiresAt: hold.expiresAt,
    };
    const authorizeEntry = entry('AUTHORIZE', true, authorized.reference);
    if (hold.reviewRequired) {
      return this.move(
        tx,
        payment.paymentId,
        { status: 'AWAITING_REVIEW', ...held },
        [authorizeEntry, reviewEntry()],
        this.eventOf('PaymentHeldForReview', payment, correlationId),
      );
    }
    const captured = await this.processor.capture({
      authorization: authorized.reference,
      amount: payment.amount,
      idempotencyKey: `${card.idempotencyKey}:capture`,
    });
    if (!captured.approved) {
      return this.move(
        tx,
        payment.paymentId,
        { status: 'DECLINED', ...held, declineCode: captured.code },
        [authorizeEntry, entry('DECLINE', false, captured.code)],
        this.declinedEventOf(payment, captured.code, correlationId),
      );
    }
    return this.move(
      tx,
      payment.paymentId,
      { status: 'SUCCEEDED', ...held, processorRef: captured.reference },
      [authorizeEntry, entry('CAPTURE', true, captured.reference)],
      this.eventOf('PaymentCaptured', payment, correlationId),
    );
  }

  /**
   * Takes an authorized amount (an ADMIN's approval, or an authorization made
   * before the charge did both): SUCCEEDED with PaymentCaptured, or DECLINED
   * if the processor refuses.
   */
  async capture(
    tx: SqlSession,
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
    return this.move(
      tx,
      payment.paymentId,
      { status: 'SUCCEEDED', processorRef: outcome.reference },
      [entry('CAPTURE', true, outcome.reference)],
      this.eventOf('PaymentCaptured', payment, correlationId),
    );
  }

  /**
   * Gives the held amount back on the card. An ADMIN's rejection declines the
   * payment (DECLINED, PaymentDeclined); any other reason voids it (VOIDED,
   * PaymentVoided): the card was good, the order did not go ahead.
   */
  async void(
    tx: SqlSession,
    payment: LockedPayment,
    reason: Extract<DeclineReason, 'review_rejected' | 'order_cancelled' | 'authorization_expired'>,
    correlationId: string | null,
  ): Promise<ChargeRow> {
    const { reference } = await this.processor.void({
      authorization: authorizationOf(payment),
      idempotencyKey: `${payment.idempotencyKey}:void`,
    });
    const { paymentId, orderId, userId } = payment;
    return this.move(
      tx,
      paymentId,
      { status: reason === 'review_rejected' ? 'DECLINED' : 'VOIDED', declineCode: reason },
      [entry('VOID', true, `${reason} ${reference}`)],
      reason === 'review_rejected'
        ? this.declinedEventOf(payment, reason, correlationId)
        : this.paymentEvent(
            'PaymentVoided',
            paymentId,
            { paymentId, orderId, userId, reason },
            correlationId,
          ),
    );
  }

  /** DECLINED with its code, the log entry of `kind` (its detail the code unless given) and PaymentDeclined. */
  async decline(
    tx: SqlSession,
    payment: Settling,
    code: DeclineReason,
    kind: 'DECLINE' | 'FRAUD_BLOCK' | 'REVIEW',
    correlationId: string | null,
    detail: string = code,
  ): Promise<ChargeRow> {
    return this.move(
      tx,
      payment.paymentId,
      { status: 'DECLINED', declineCode: code },
      [entry(kind, false, detail)],
      this.declinedEventOf(payment, code, correlationId),
    );
  }

  /**
   * Puts an authorization before an ADMIN (AWAITING_REVIEW), logged as
   * REVIEW: its capture waits for the decision (ReviewService).
   */
  putBeforeReview(tx: SqlSession, payment: LockedPayment): Promise<ChargeRow> {
    return this.move(tx, payment.paymentId, { status: 'AWAITING_REVIEW' }, [reviewEntry()]);
  }

  /** PaymentCaptured or PaymentHeldForReview of the payment, with its amount. */
  private eventOf(
    type: 'PaymentCaptured' | 'PaymentHeldForReview',
    { paymentId, orderId, orderNumber, userId, amount, currency }: Settling,
    correlationId: string | null,
  ): EventOf {
    return this.paymentEvent(
      type,
      paymentId,
      { paymentId, orderId, userId, amount: { amount, currency }, ...numberOf(orderNumber) },
      correlationId,
    );
  }

  private declinedEventOf(
    { paymentId, orderId, orderNumber, userId }: Settling,
    code: DeclineReason,
    correlationId: string | null,
  ): EventOf {
    return this.paymentEvent(
      'PaymentDeclined',
      paymentId,
      { paymentId, orderId, userId, code, ...numberOf(orderNumber) },
      correlationId,
    );
  }

  /** A payment's event as a CTE of its move's statement, written only if the row moved. */
  private paymentEvent<T extends EventTypeOf<typeof PAYMENTS_STREAM>>(
    type: T,
    paymentId: string,
    data: EventDataOf<typeof PAYMENTS_STREAM, T>,
    correlationId: string | null,
  ): EventOf {
    return (offset) =>
      this.outbox.insertFrom('moved', offset, type, paymentId, data, {
        version: '1',
        correlationId,
      });
  }

  /**
   * The payment's new status, its log entries and its event (if it has one)
   * in one statement of CTEs, where Prisma took a statement for each and
   * compiled each (the update alone cost more CPU than the statement). The
   * log entries and the event are written only if the payment row was
   * (`moved`). Times are the caller's clock, as Prisma wrote them, each
   * entry's its own, so a transaction's entries keep the order they were
   * made in.
   */
  private async move(
    tx: SqlSession,
    paymentId: string,
    move: Move,
    entries: LogEntry[],
    eventOf?: EventOf,
  ): Promise<ChargeRow> {
    const values = [
      paymentId,
      move.status,
      move.processorRef ?? null,
      move.declineCode ?? null,
      move.reviewRequired ?? null,
      move.authorizationExpiresAt?.toISOString() ?? null,
      entries.at(-1)!.at.toISOString(),
      entries.map(() => randomUUID()),
      entries.map((logged) => logged.kind),
      entries.map((logged) => logged.success),
      entries.map((logged) => logged.detail),
      entries.map((logged) => logged.at.toISOString()),
    ];
    const event = eventOf?.(values.length);
    const [row] = await tx.rows<ChargeRow>(
      statement(
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
         SELECT logged.id, moved."id", moved."userId", logged.kind, moved."amount", moved."currency",
                logged.success, logged.detail, ${sqlUtc('logged.at')}
           FROM moved,
                unnest($8::uuid[], $9::${enumNameOf(this.db, 'TransactionKind')}[], $10::boolean[],
                       $11::text[], $12::text[]) AS logged(id, kind, success, detail, at)
       )${event ? `, event AS (${event.sql})` : ''}
       SELECT "id"::text, "orderId"::text, "userId"::text, "paymentMethodId"::text,
              "status"::text, "amount", "refundedAmount", "currency", "createdAt",
              "idempotencyKey", "declineCode"
         FROM moved`,
        [...values, ...(event?.values ?? [])],
      ),
    );
    if (!row) throw new Error(`Payment ${paymentId} vanished while it was being settled`);
    return { ...row, createdAt: new Date(row.createdAt) };
  }

  /** An entry of the append-only transaction log. */
  async log(
    tx: SqlSession,
    payment: Settling,
    kind: TransactionKind,
    success: boolean,
    detail: string,
  ): Promise<void> {
    const { paymentId, userId, amount, currency } = payment;
    await tx.execute(Prisma.sql`
      INSERT INTO ${tableOf(this.db, 'PaymentTransaction')}
        ("id", "paymentId", "userId", "kind", "amount", "currency", "success", "detail", "createdAt")
      VALUES (${randomUUID()}::uuid, ${paymentId}::uuid, ${userId}::uuid,
              ${kind}::text::${enumOf(this.db, 'TransactionKind')}, ${amount}::int, ${currency},
              ${success}, ${detail}, ${SQL_NOW})`);
  }
}

function authorizationOf(payment: LockedPayment): string {
  if (!payment.processorRef) {
    throw new Error(`Payment ${payment.paymentId} is ${payment.status} without an authorization`);
  }
  return payment.processorRef;
}

function entry(kind: TransactionKind, success: boolean, detail: string): LogEntry {
  return { kind, success, detail, at: new Date() };
}

/** A capture held for an ADMIN's review, as the log records it. */
function reviewEntry(): LogEntry {
  return entry('REVIEW', false, 'requires_review');
}

/** An event's `number`: the order's, or none for a payment charged without it. */
export function numberOf(orderNumber: number | null): { number?: number } {
  return orderNumber === null ? {} : { number: orderNumber };
}
