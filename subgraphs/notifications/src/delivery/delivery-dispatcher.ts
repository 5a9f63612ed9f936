import type { Logger } from '@shop/platform';
import type { Stoppable } from '@shop/federation';
import type { DeliverySettings } from '../config';
import {
  enumOf,
  Prisma,
  SQL_NOW,
  tableOf,
  timestampOf,
  type AttemptOutcome,
  type Channel,
  type Database,
  type DeliveryStatus,
} from '../db';
import { DeliveryFailure, type DeliveryChannel } from './channel';
import type { DeliveryMetrics } from './delivery.metrics';

/** Longest one delivery may hold its row: the SMTP channel's own timeouts end well before. */
const DELIVERY_TRANSACTION_MS = 90_000;

/** The longest error kept in the delivery log. */
const MAX_ERROR_LENGTH = 500;

/**
 * Sends due deliveries, one at a time, each in a transaction that holds its
 * row lock from the send to the record of its outcome. Other instances skip
 * a locked row, so a delivery is sent by one process at a time; a process
 * that dies after sending and before committing releases the lock with its
 * connection, and the delivery, still PENDING, is sent again (at most this
 * once for that crash) with the same Message-ID.
 */
export class DeliveryDispatcher {
  private readonly deliveries: Prisma.Sql;
  private pass: Promise<void> = Promise.resolve();
  private queued = false;
  private stopped = false;

  constructor(
    private readonly db: Database,
    private readonly channels: Record<Channel, DeliveryChannel>,
    private readonly settings: DeliverySettings,
    private readonly metrics: DeliveryMetrics,
    private readonly log: Logger,
  ) {
    this.deliveries = tableOf(db, 'Delivery');
  }

  /** New deliveries were committed: a pass runs now (or right after the one under way). */
  wake(): void {
    if (this.queued || this.stopped) return;
    this.queued = true;
    this.pass = this.pass.then(async () => {
      this.queued = false;
      try {
        while (!this.stopped && (await this.deliverOne())) {
          // Until no delivery is due.
        }
      } catch (error) {
        this.log.warn({ err: error }, 'delivery pass failed; the next one tries again');
      }
    });
  }

  /** Polls for due deliveries (retries whose time came) besides being woken. */
  start(): Stoppable {
    this.wake();
    const timer = setInterval(() => this.wake(), this.settings.pollMs);
    return {
      stop: async () => {
        clearInterval(timer);
        this.stopped = true;
        await this.pass;
        for (const channel of Object.values(this.channels)) channel.close?.();
      },
    };
  }

  /**
   * Sends the most overdue delivery, if one is due and not being sent
   * elsewhere: one statement takes it with what sending needs (its
   * notification's user, the recipient's address) and one records the
   * outcome with its log line, inside the transaction that holds its row.
   */
  private deliverOne(): Promise<boolean> {
    return this.db.prisma.$transaction(
      async (tx) => {
        const [delivery] = await tx.$queryRaw<DueDelivery[]>`
          SELECT d."id"::text, d."notificationId"::text, d."channel"::text AS "channel",
                 d."attempts", d."messageId", d."subject", d."text", d."html",
                 n."userId"::text AS "userId", n."occurredAt", r."email"
            FROM ${this.deliveries} d
            JOIN ${tableOf(this.db, 'Notification')} n ON n."id" = d."notificationId"
            LEFT JOIN ${tableOf(this.db, 'Recipient')} r ON r."userId" = n."userId"
           WHERE d."status" = 'PENDING' AND d."nextAttemptAt" <= ${SQL_NOW}
           ORDER BY d."nextAttemptAt" LIMIT 1
             FOR UPDATE OF d SKIP LOCKED`;
        if (!delivery) return false;
        const email = delivery.channel === 'EMAIL' ? (delivery.email ?? undefined) : undefined;
        const outcome = await this.channels[delivery.channel]
          .send({
            deliveryId: delivery.id,
            notificationId: delivery.notificationId,
            userId: delivery.userId,
            email,
            messageId: delivery.messageId,
            subject: delivery.subject,
            text: delivery.text,
            html: delivery.html,
          })
          .then(
            () => ({ sent: true as const }),
            (error: unknown) => ({
              sent: false as const,
              transient: error instanceof DeliveryFailure ? error.transient : true,
              error: (error instanceof Error ? error.message : String(error)).slice(
                0,
                MAX_ERROR_LENGTH,
              ),
            }),
          );
        const attempt = delivery.attempts + 1;
        const address = delivery.channel === 'EMAIL' ? (email ?? null) : delivery.userId;
        if (outcome.sent) {
          await this.record(tx, delivery.id, attempt, address, { status: 'SENT', outcome: 'SENT' });
          this.metrics.sent(delivery.channel, delivery.occurredAt);
          return true;
        }
        const retry = outcome.transient && attempt < this.settings.maxAttempts;
        await this.record(tx, delivery.id, attempt, address, {
          status: retry ? 'PENDING' : 'FAILED',
          outcome: retry ? 'RETRY' : 'FAILED',
          error: outcome.error,
          nextAttemptAt: new Date(Date.now() + this.settings.retryBaseMs * 2 ** (attempt - 1)),
        });
        if (retry) this.metrics.retried(delivery.channel);
        else this.metrics.failed(delivery.channel);
        this.log.warn(
          {
            deliveryId: delivery.id,
            channel: delivery.channel,
            attempt,
            retry,
            error: outcome.error,
          },
          'notification delivery failed',
        );
        return true;
      },
      { timeout: DELIVERY_TRANSACTION_MS },
    );
  }

  /** The delivery's state after an attempt, and the attempt's line in its log, in one statement. */
  private async record(
    tx: Prisma.TransactionClient,
    id: string,
    attempt: number,
    address: string | null,
    result: {
      status: DeliveryStatus;
      outcome: AttemptOutcome;
      error?: string;
      nextAttemptAt?: Date;
    },
  ): Promise<void> {
    const { status, outcome, error = null, nextAttemptAt } = result;
    const sentAt = status === 'SENT' ? SQL_NOW : Prisma.sql`NULL`;
    const next = nextAttemptAt ? timestampOf(nextAttemptAt) : Prisma.sql`d."nextAttemptAt"`;
    await tx.$executeRaw`
      WITH updated AS (
        UPDATE ${this.deliveries} d
           SET "status" = ${status}::text::${enumOf(this.db, 'DeliveryStatus')},
               "attempts" = ${attempt}, "address" = ${address}, "lastError" = ${error},
               "sentAt" = ${sentAt}, "nextAttemptAt" = ${next}
         WHERE d."id" = ${id}::uuid
      )
      INSERT INTO ${tableOf(this.db, 'DeliveryAttempt')} ("id", "deliveryId", "attempt", "outcome", "error", "at")
      VALUES (gen_random_uuid(), ${id}::uuid, ${attempt},
              ${outcome}::text::${enumOf(this.db, 'AttemptOutcome')}, ${error}, ${SQL_NOW})`;
  }
}

/** A delivery due to be sent, with what sending it needs. */
interface DueDelivery {
  id: string;
  notificationId: string;
  channel: Channel;
  attempts: number;
  messageId: string;
  subject: string;
  text: string;
  html: string;
  userId: string;
  occurredAt: Date;
  email: string | null;
}
