import type { Logger } from '@shop/platform';
import type { Stoppable } from '@shop/federation';
import type { DeliverySettings } from '../config';
import { SQL_NOW, type Prisma, type Channel, type Database, tableOf } from '../db';
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

  /** Sends the most overdue delivery, if one is due and not being sent elsewhere. */
  private deliverOne(): Promise<boolean> {
    return this.db.prisma.$transaction(
      async (tx) => {
        const [due] = await tx.$queryRaw<{ id: string }[]>`
          SELECT "id"::text FROM ${this.deliveries}
          WHERE "status" = 'PENDING' AND "nextAttemptAt" <= ${SQL_NOW}
          ORDER BY "nextAttemptAt" LIMIT 1 FOR UPDATE SKIP LOCKED`;
        if (!due) return false;
        const delivery = await tx.delivery.findUniqueOrThrow({
          where: { id: due.id },
          include: { notification: { select: { userId: true, occurredAt: true } } },
        });
        const { userId, occurredAt } = delivery.notification;
        const recipient =
          delivery.channel === 'EMAIL'
            ? await tx.recipient.findUnique({ select: { email: true }, where: { userId } })
            : null;
        const attempt = delivery.attempts + 1;
        const address = delivery.channel === 'EMAIL' ? recipient?.email : userId;
        const outcome = await this.channels[delivery.channel]
          .send({
            deliveryId: delivery.id,
            notificationId: delivery.notificationId,
            userId,
            email: recipient?.email,
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
        if (outcome.sent) {
          await tx.delivery.update({
            where: { id: delivery.id },
            data: {
              status: 'SENT',
              attempts: attempt,
              address,
              sentAt: new Date(),
              lastError: null,
              log: { create: { attempt, outcome: 'SENT' } },
            },
          });
          this.metrics.sent(delivery.channel, occurredAt);
          return true;
        }
        const retry = outcome.transient && attempt < this.settings.maxAttempts;
        await tx.delivery.update({
          where: { id: delivery.id },
          data: {
            status: retry ? 'PENDING' : 'FAILED',
            attempts: attempt,
            address,
            lastError: outcome.error,
            nextAttemptAt: new Date(Date.now() + this.settings.retryBaseMs * 2 ** (attempt - 1)),
            log: { create: { attempt, outcome: retry ? 'RETRY' : 'FAILED', error: outcome.error } },
          },
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
}
