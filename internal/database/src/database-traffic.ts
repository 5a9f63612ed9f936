import type pg from 'pg';

/** What this process has sent its PostgreSQL pools so far. */
export interface DatabaseTraffic {
  /** Every query message answered: a statement, or BEGIN/COMMIT/ROLLBACK/SAVEPOINT. */
  roundTrips: number;
  /** The round trips that were statements, transaction control left out. */
  statements: number;
}

const TRANSACTION_CONTROL = /^\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE|START TRANSACTION)\b/i;

/**
 * Counted per process rather than per pool: a service runs as its own
 * process, and what the benchmark asks is what that process costs its
 * database (each `pg` query() is one message and one answer).
 */
export const databaseTraffic: DatabaseTraffic = { roundTrips: 0, statements: 0 };

/** Counts every query the pool's connections send into databaseTraffic; answers the pool. */
export function countDatabaseTraffic(pool: pg.Pool): pg.Pool {
  pool.on('connect', (client) => {
    client.query = ((...args: unknown[]) => {
      const [first] = args;
      const text = typeof first === 'string' ? first : (first as { text?: string } | null)?.text;
      databaseTraffic.roundTrips++;
      if (!text || !TRANSACTION_CONTROL.test(text)) databaseTraffic.statements++;
      // The class's query as it is at each call, not as it was at connect: whatever observes
      // pg.Client.prototype.query later (the statement-counting tests) still sees every query.
      const query = Object.getPrototypeOf(client).query as (...args: unknown[]) => unknown;
      return query.apply(client, args);
    }) as typeof client.query;
  });
  return pool;
}
