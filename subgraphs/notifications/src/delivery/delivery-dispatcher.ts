import type { Logger } from '@shop/platform';
import type { Stoppable } from '@shop/federation';
import type { DeliverySettings } from '../config';
import {
  enumOf,
  Prisma,
  SQL_NOW,
  tableOf,
  type AttemptOutcome,
  type Channel,
  type Database,
  type DeliveryStatus,
} from '../db';
import { DeliveryFailure, type DeliveryChannel } from './channel';
import type { DeliveryMetrics } from './delivery.metrics';

/**
 * Deliveries taken at once, sent side by side and recorded together. One at
 * a time, each delivery was a transaction of its own (BEGIN, the claim, the
 * record, COMMIT): 12.3 ms of the notifications process's CPU and 10.3 round
 * trips per checkout under the checkout bench's load, its largest service
 * cost (docs/BENCHMARKS.md).
 */
const DELIVERY_BATCH = 16;

/** The longest error kept in the delivery log. */
const MAX_ERROR_LENGTH = 500;

/**
 * Sends due deliveries in batches, each batch leased rather than locked
 * while it is sent: the claim moves its rows' next attempt past the lease
 * (`leaseMs`, longer than the sends may take), so no dispatcher finds them
 * due until their outcomes are recorded, and a delivery is sent by one
 * process at a time. No transaction spans the sends: a claim and a record
 * are one autocommit statement each, and a claim that finds nothing is one
 * round trip. A process that dies after sending and before recording
 * leaves its batch PENDING, due again when the lease passes: it is sent
 * again (at most this once for that crash) with the same Message-IDs. An
 * outcome is recorded only while the row is as its claim left it (its
 * attempts and its lease), so a dispatcher that overran its lease never
 * overwrites the attempt of the one that took the delivery after it.
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
        while (!this.stopped && (await this.deliverBatch())) {
          // Until a batch comes back short: no more delivery is due.
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
   * Sends the most overdue deliveries not being sent elsewhere, up to a
   * batch: one statement leases them with what sending needs (each
   * notification's user, the recipient's address), they are sent side by
   * side, and one statement records every outcome with its log line.
   * Answers whether the batch was full (more may be due).
   */
  private async deliverBatch(): Promise<boolean> {
    const due = await this.claim();
    if (due.length === 0) return false;
    const attempts = await Promise.all(due.map((delivery) => this.attempt(delivery)));
    const recorded = await this.record(attempts);
    for (const attempt of attempts) this.report(attempt, recorded.has(attempt.delivery.id));
    return due.length === DELIVERY_BATCH;
  }

  /**
   * Leases the most overdue deliveries no other dispatcher holds: their next
   * attempt moves to the lease's end, and what it was comes back to be kept
   * by a final outcome. SKIP LOCKED passes over rows another claim is taking
   * at this moment; a lease another committed makes a row no longer due.
   */
  private claim(): Promise<DueDelivery[]> {
    return this.db.sql.rows<DueDelivery>(Prisma.sql`
      WITH claimed AS (
        UPDATE ${this.deliveries} d
           SET "nextAttemptAt" = ${SQL_NOW} + ${this.settings.leaseMs}::int * interval '1 millisecond'
          FROM (SELECT "id", "nextAttemptAt" FROM ${this.deliveries}
                 WHERE "status" = 'PENDING' AND "nextAttemptAt" <= ${SQL_NOW}
                 ORDER BY "nextAttemptAt" LIMIT ${DELIVERY_BATCH}
                   FOR UPDATE SKIP LOCKED) due
         WHERE d."id" = due."id"
        RETURNING d."id", d."notificationId", d."channel", d."attempts", d."messageId",
                  d."subject", d."text", d."html", due."nextAttemptAt" AS "dueAt",
                  d."nextAttemptAt" AS "leasedUntil"
      )
      SELECT c."id"::text, c."notificationId"::text, c."channel"::text AS "channel",
             c."attempts", c."messageId", c."subject", c."text", c."html", c."dueAt",
             c."leasedUntil", n."userId"::text AS "userId", n."occurredAt", r."email"
        FROM claimed c
        JOIN ${tableOf(this.db, 'Notification')} n ON n."id" = c."notificationId"
        LEFT JOIN ${tableOf(this.db, 'Recipient')} r ON r."userId" = n."userId"`);
  }

  /** Sends one delivery through its channel: what its row and log line become. */
  private async attempt(delivery: DueDelivery): Promise<Attempt> {
    const email = delivery.channel === 'EMAIL' ? (delivery.email ?? undefined) : undefined;
    const failure = await this.channels[delivery.channel]
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
        () => undefined,
        (error: unknown) => ({
          transient: error instanceof DeliveryFailure ? error.transient : true,
          error: (error instanceof Error ? error.message : String(error)).slice(
            0,
            MAX_ERROR_LENGTH,
          ),
        }),
      );
    const number = delivery.attempts + 1;
    const common = {
      delivery,
      number,
      address: delivery.channel === 'EMAIL' ? (email ?? null) : delivery.userId,
    };
    if (!failure) return { ...common, status: 'SENT', outcome: 'SENT', error: null, retryAt: null };
    const retry = failure.transient && number < this.settings.maxAttempts;
    return {
      ...common,
      status: retry ? 'PENDING' : 'FAILED',
      outcome: retry ? 'RETRY' : 'FAILED',
      error: failure.error,
      retryAt: retry ? new Date(Date.now() + this.settings.retryBaseMs * 2 ** (number - 1)) : null,
    };
  }

  /**
   * Each delivery's state after its attempt, and the attempt's line in its
   * log, in one statement; only where the row is still as this claim left
   * it, its attempts unchanged and its next attempt this lease's end (a
   * later claim's lease ends later). A retry is due at its time; a final
   * outcome keeps the time the delivery was due. Answers the deliveries
   * recorded.
   */
  private async record(attempts: Attempt[]): Promise<Set<string>> {
    const column = <T>(of: (attempt: Attempt) => T) => attempts.map(of);
    const recorded = await this.db.sql.rows<{ id: string }>(Prisma.sql`
      WITH outcome AS (
        SELECT * FROM unnest(
          ${column((a) => a.delivery.id)}::uuid[], ${column((a) => a.number)}::int[],
          ${column((a) => a.address)}::text[], ${column((a) => a.status)}::text[],
          ${column((a) => a.outcome)}::text[], ${column((a) => a.error)}::text[],
          ${column((a) => (a.retryAt ?? a.delivery.dueAt).toISOString())}::timestamptz[],
          ${column((a) => a.delivery.leasedUntil.toISOString())}::timestamptz[]
        ) AS o ("id", "attempt", "address", "status", "outcome", "error", "nextAttemptAt",
                "leasedUntil")
      ), updated AS (
        UPDATE ${this.deliveries} d
           SET "status" = o."status"::${enumOf(this.db, 'DeliveryStatus')},
               "attempts" = o."attempt", "address" = o."address", "lastError" = o."error",
               "sentAt" = CASE WHEN o."status" = 'SENT' THEN ${SQL_NOW} END,
               "nextAttemptAt" = o."nextAttemptAt" AT TIME ZONE 'UTC'
          FROM outcome o
         WHERE d."id" = o."id" AND d."attempts" = o."attempt" - 1
           AND d."nextAttemptAt" = o."leasedUntil" AT TIME ZONE 'UTC'
        RETURNING d."id"
      )
      INSERT INTO ${tableOf(this.db, 'DeliveryAttempt')} ("id", "deliveryId", "attempt", "outcome", "error", "at")
      SELECT gen_random_uuid(), o."id", o."attempt",
             o."outcome"::${enumOf(this.db, 'AttemptOutcome')}, o."error", ${SQL_NOW}
        FROM outcome o JOIN updated u ON u."id" = o."id"
      RETURNING "deliveryId"::text AS "id"`);
    return new Set(recorded.map(({ id }) => id));
  }

  /**
   * An attempt's metrics, and its warning when it failed; an attempt not
   * recorded (its lease passed, the delivery is another's) counts for none.
   */
  private report({ delivery, number, status, error }: Attempt, recorded: boolean): void {
    if (!recorded) {
      this.log.warn(
        { deliveryId: delivery.id, channel: delivery.channel, attempt: number, status },
        'notification delivery outlasted its lease; its outcome is left to the dispatcher that took it',
      );
      return;
    }
    if (status === 'SENT') {
      this.metrics.sent(delivery.channel, delivery.occurredAt);
      return;
    }
    const retry = status === 'PENDING';
    if (retry) this.metrics.retried(delivery.channel);
    else this.metrics.failed(delivery.channel);
    this.log.warn(
      { deliveryId: delivery.id, channel: delivery.channel, attempt: number, retry, error },
      'notification delivery failed',
    );
  }
}

/** One send of a delivery, and what its row and log line become. */
interface Attempt {
  delivery: DueDelivery;
  /** The delivery's attempts with this one. */
  number: number;
  address: string | null;
  status: DeliveryStatus;
  outcome: AttemptOutcome;
  error: string | null;
  /** When a retry is due (the row's next attempt); null when none is. */
  retryAt: Date | null;
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
  /** When it was due, before its claim. */
  dueAt: Date;
  /** Its claim's lease end: the row's next attempt while this claim holds it. */
  leasedUntil: Date;
}
