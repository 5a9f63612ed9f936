import { randomUUID } from 'node:crypto';
import { Prisma, tableOf, type Database, type PaymentOutbox } from '../db';
import type { CardProcessor } from '../processor/card-processor';
import { paymentColumns, type PaymentRow } from './payment.mapper';

/** Why a charge was refused: the processor's code, the fraud rules', or an ADMIN's review. */
export type DeclineReason =
  'card_declined' | 'insufficient_funds' | 'fraud_blocked' | 'review_rejected' | 'order_cancelled';

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

/**
 * How a payment is decided, in the caller's transaction: the log entries,
 * the event and the payment's final status. A charge at once, one an ADMIN
 * approved later and a decline of any cause go through here alike.
 */
export class Settlement {
  constructor(
    private readonly db: Database,
    private readonly processor: CardProcessor,
    private readonly outbox: PaymentOutbox,
  ) {}

  /**
   * Charges the card through the processor (its idempotency key makes a call
   * repeated after a rollback settle once) and records what it answered.
   */
  async charge(
    tx: Prisma.TransactionClient,
    payment: Settling,
    card: { token: string; idempotencyKey: string },
    correlationId: string | null,
  ): Promise<ChargeRow> {
    const outcome = await this.processor.charge({
      token: card.token,
      amount: payment.amount,
      currency: payment.currency,
      idempotencyKey: card.idempotencyKey,
    });
    if (!outcome.approved) {
      return this.decline(tx, payment, outcome.code, 'DECLINE', correlationId);
    }
    return this.capture(tx, payment, outcome.reference, correlationId);
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
    const { paymentId, orderId, userId, amount, currency } = payment;
    await tx.paymentTransaction.create({
      data: { paymentId, userId, amount, currency, kind, success: false, detail },
    });
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

  private async capture(
    tx: Prisma.TransactionClient,
    payment: Settling,
    reference: string,
    correlationId: string | null,
  ): Promise<ChargeRow> {
    const { paymentId, orderId, userId, amount, currency } = payment;
    // One statement: Prisma compiles a createMany anew for every call (3 ms of CPU against
    // 0.6 ms for a raw insert, measured 2026-12-06), and every capture writes these two.
    const entry = (kind: 'AUTHORIZE' | 'CAPTURE') => Prisma.sql`(
      ${randomUUID()}::uuid, ${paymentId}::uuid, ${userId}::uuid, ${Prisma.raw(`'${kind}'`)},
      ${amount}, ${currency}, true, ${reference}, now() AT TIME ZONE 'UTC')`;
    await tx.$executeRaw`
      INSERT INTO ${tableOf(this.db, 'PaymentTransaction')}
             ("id", "paymentId", "userId", "kind", "amount", "currency", "success", "detail", "createdAt")
      VALUES ${entry('AUTHORIZE')}, ${entry('CAPTURE')}`;
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
      data: { status: 'SUCCEEDED', processorRef: reference },
    });
  }
}
