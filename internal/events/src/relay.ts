import { FailureReport, type Logger } from '@shop/platform';
import type { EventBus } from './bus';
import type { Stream } from './catalog';
import type { EventEnvelope } from './envelope';
import type { Outbox } from './outbox';

/** The raw-SQL part of a Prisma (transaction) client. */
export interface RawSqlClient {
  $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): Promise<T>;
  $executeRawUnsafe(query: string, ...values: unknown[]): Promise<number>;
}

export interface RelayDatabase {
  prisma: { $transaction<R>(work: (tx: RawSqlClient) => Promise<R>): Promise<R> };
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
  data: unknown;
  correlationId: string | null;
}

/**
 * Publishes the outbox to the bus: takes unpublished rows (FOR UPDATE SKIP
 * LOCKED, so several instances share the work without publishing a row
 * twice at once), publishes them, and marks them published in the same
 * transaction. A crash after the commit of a change but before publishing
 * leaves the row unpublished; the next relay publishes it. A crash after
 * publishing but before marking publishes it again; consumers skip event ids
 * they have handled, so each is handled once. It attaches itself to the
 * outbox, whose `committed()` wakes it.
 */
export function startOutboxRelay(options: {
  db: RelayDatabase;
  outbox: Outbox<Stream>;
  bus: EventBus;
  log: Logger;
  intervalMs?: number;
  batchSize?: number;
}): OutboxRelay {
  const { db, outbox, bus, log } = options;
  const stream = outbox.stream;
  // Only a safety net: commits wake the relay of their own process at once, so
  // polling catches what a crashed instance left behind, which need not be fast.
  const intervalMs = options.intervalMs ?? 1_000;
  const batchSize = options.batchSize ?? 100;
  const table = `"${db.schema}"."OutboxEvent"`;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<void> | undefined;
  // Woken while publishing: rows committed after this pass's read go in another pass at once.
  let wokenDuringRun = false;
  const failures = new FailureReport(log.child({ stream }), 'outbox relay');

  const publishBatch = (): Promise<number> =>
    db.prisma.$transaction(async (tx) => {
      const rows = await tx.$queryRawUnsafe<OutboxRow[]>(
        `SELECT id, type, "aggregateId", version, "occurredAt", data, "correlationId"
           FROM ${table} WHERE "publishedAt" IS NULL
           ORDER BY "occurredAt", id LIMIT ${batchSize} FOR UPDATE SKIP LOCKED`,
      );
      if (rows.length === 0) return 0;
      await bus.publish(stream, rows.map(toEnvelope));
      await tx.$executeRawUnsafe(
        `UPDATE ${table} SET "publishedAt" = now() WHERE id = ANY($1::uuid[])`,
        rows.map((row) => row.id),
      );
      return rows.length;
    });

  const run = (): Promise<void> => {
    if (current) {
      wokenDuringRun = true;
      return current;
    }
    wokenDuringRun = false;
    current = (async () => {
      let failed = false;
      try {
        while (!stopped && (await publishBatch()) === batchSize) {
          // a full batch: more may be waiting
        }
        failures.succeeded();
      } catch (error) {
        failed = true;
        failures.failed(error);
      } finally {
        current = undefined;
        if (!stopped) {
          clearTimeout(timer);
          // After a failure, wait the interval whatever woke it: no tight retry loop.
          const again = wokenDuringRun && !failed;
          timer = setTimeout(() => void run(), again ? 0 : intervalMs);
        }
      }
    })();
    return current;
  };
  void run();
  outbox.attachRelay({
    wake() {
      if (!stopped) void run();
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
    },
  };
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
