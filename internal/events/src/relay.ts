import { FailureReport, type Logger } from '@shop/platform';
import type { EventBus } from './bus';
import type { Stream } from './catalog';
import type { EventEnvelope } from './envelope';
import type { Outbox } from './outbox';
import { SQL_NOW_TEXT, statement, type SqlSession } from '@shop/database';

export interface RelayDatabase {
  /** Its claims run on every pass of every relay: straight through node-postgres. */
  sql: SqlSession;
  /** The PostgreSQL schema holding this subgraph's OutboxEvent table. */
  schema: string;
}

export interface OutboxRelay {
  /** Publishes everything pending, then resolves. */
  flush(): Promise<void>;
  stop(): Promise<void>;
}

interface OutboxRow {
  id: string;
  type: string;
  aggregateId: string;
  version: number;
  occurredAt: Date | string;
  /** A bigint, as node-postgres reads it: text. */
  sequence: string;
  data: unknown;
  correlationId: string | null;
}

/**
 * Publishes the outbox to the bus without holding a transaction while it
 * publishes: one statement claims a batch of unpublished rows for a lease
 * (FOR UPDATE SKIP LOCKED in it, so several instances claim different rows
 * at once) and marks the rows published last time, then the batch is
 * published. Marking rides on the next claim (the next commit's wake, or
 * the poll within `intervalMs`, or the stop) rather than a statement of its
 * own: under checkouts every relay wakes several times a second, and the
 * mark was a third of its statements. A publish that fails gives its claim
 * back at once, for the next pass. A crash after the commit of a change
 * but before publishing leaves the row unpublished; the next relay
 * publishes it. A crash after claiming leaves the claim, and another relay
 * (or this one, started again) publishes the rows once the lease is over.
 * A crash after publishing but before marking publishes them again once
 * their lease is over; consumers skip event ids they have handled, so each
 * is handled once. It attaches itself to the outbox, whose `committed()`
 * wakes it.
 */
export function startOutboxRelay(options: {
  db: RelayDatabase;
  outbox: Outbox<Stream>;
  bus: EventBus;
  log: Logger;
  intervalMs?: number;
  batchSize?: number;
  /** How long a claim keeps other relays off its rows: longer than a publish takes. */
  leaseMs?: number;
  /**
   * How long after a pass that published a commit's wake waits before the
   * next pass (EVENT_LINGER_MS): under load, commits close together are
   * claimed and published together. A commit after a quiet spell is
   * published at once.
   */
  lingerMs?: number;
}): OutboxRelay {
  const { db, outbox, bus, log } = options;
  const stream = outbox.stream;
  // Only a safety net: commits wake the relay of their own process at once, so
  // polling catches what a crashed instance left behind, which need not be fast.
  const intervalMs = options.intervalMs ?? 1_000;
  const batchSize = options.batchSize ?? 100;
  const leaseMs = options.leaseMs ?? 30_000;
  const lingerMs = options.lingerMs ?? 0;
  const table = `"${db.schema}"."OutboxEvent"`;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<void> | undefined;
  // Woken while publishing: rows committed after this pass's claim go in another pass, once
  // the linger is over.
  let wokenDuringRun = false;
  /** A wake before this moment waits for it: set by a pass that published. */
  let lingerUntil = -Infinity;
  /** When the pending timer runs a pass: a wake asking for a later one leaves it. */
  let timerAt = Infinity;
  const failures = new FailureReport(log.child({ stream }), 'outbox relay');
  // Published, not yet marked: their claim's lease keeps every relay off them meanwhile.
  let unmarked: string[] = [];
  const markPublished = (ids: string) =>
    `UPDATE ${table} SET "publishedAt" = now() WHERE id = ANY(${ids}::uuid[])`;

  const publishBatch = async (): Promise<number> => {
    const marking = unmarked;
    const rows = await db.sql.rows<OutboxRow>(
      // The batch as a CTE, chosen once: a LIMIT … SKIP LOCKED subquery a plan ran again could
      // differ. The rows marked are still claimed, so the batch cannot take them.
      statement(
        `WITH marked AS (${markPublished('$2')}),
       batch AS MATERIALIZED (
         SELECT id FROM ${table}
          WHERE "publishedAt" IS NULL AND ("claimedUntil" IS NULL OR "claimedUntil" <= ${SQL_NOW_TEXT})
          ORDER BY "sequence" LIMIT ${batchSize}
            FOR UPDATE SKIP LOCKED)
       UPDATE ${table} AS o SET "claimedUntil" = ${SQL_NOW_TEXT} + make_interval(secs => $1::float8)
         FROM batch WHERE o.id = batch.id
       RETURNING o.id, o.type, o."aggregateId", o.version, o."occurredAt", o."sequence", o.data,
         o."correlationId"`,
        [leaseMs / 1_000, marking],
      ),
    );
    unmarked = unmarked.slice(marking.length);
    if (rows.length === 0) return 0;
    const ids = rows.map((row) => row.id);
    try {
      await bus.publish(stream, rows.sort(inOutboxOrder).map(toEnvelope));
    } catch (error) {
      await db.sql.execute(
        statement(`UPDATE ${table} SET "claimedUntil" = NULL WHERE id = ANY($1::uuid[])`, [ids]),
      );
      throw error;
    }
    unmarked.push(...ids);
    return rows.length;
  };

  const run = (): Promise<void> => {
    if (current) {
      wokenDuringRun = true;
      return current;
    }
    wokenDuringRun = false;
    current = (async () => {
      let failed = false;
      let published = 0;
      try {
        while (!stopped) {
          const claimed = await publishBatch();
          published += claimed;
          // a full batch: more may be waiting
          if (claimed < batchSize) break;
        }
        failures.succeeded();
      } catch (error) {
        failed = true;
        failures.failed(error);
      } finally {
        current = undefined;
        if (published > 0) lingerUntil = performance.now() + lingerMs;
        if (!stopped) {
          // After a failure, wait the interval whatever woke it: no tight retry loop.
          const again = wokenDuringRun && !failed;
          runIn(again ? Math.max(0, lingerUntil - performance.now()) : intervalMs);
        }
      }
    })();
    return current;
  };
  const runIn = (ms: number) => {
    clearTimeout(timer);
    timerAt = performance.now() + ms;
    timer = setTimeout(() => {
      timerAt = Infinity;
      void run();
    }, ms);
  };
  void run();
  outbox.attachRelay({
    wake() {
      if (stopped) return;
      if (current) {
        wokenDuringRun = true;
        return;
      }
      const wait = lingerUntil - performance.now();
      if (wait <= 0) void run();
      else if (timerAt > performance.now() + wait) runIn(wait);
    },
  });

  return {
    async flush() {
      await current;
      await run();
    },
    async stop() {
      stopped = true;
      outbox.attachRelay(undefined);
      clearTimeout(timer);
      await current;
      if (unmarked.length === 0) return;
      try {
        await db.sql.execute(statement(markPublished('$1'), [unmarked]));
      } catch (error) {
        // Published again by the next relay once their lease is over; consumers skip them.
        log.warn({ err: error, stream, events: unmarked.length }, 'published events not marked');
      }
    },
  };
}

/**
 * The order the outbox is published in: as the events were recorded (an
 * UPDATE's RETURNING has none). Not by occurredAt: the events one
 * transaction records often share its millisecond, and ties then went by
 * their random ids (a payment's PaymentReviewed was published before the
 * PaymentDeclined recorded ahead of it).
 */
function inOutboxOrder(a: OutboxRow, b: OutboxRow): number {
  return Number(BigInt(a.sequence) - BigInt(b.sequence));
}

function toEnvelope(row: OutboxRow): EventEnvelope {
  return {
    id: row.id,
    type: row.type,
    aggregateId: row.aggregateId,
    version: Number(row.version),
    occurredAt: new Date(row.occurredAt).toISOString(),
    data: typeof row.data === 'string' ? (JSON.parse(row.data) as unknown) : row.data,
    correlationId: row.correlationId,
  };
}
