import type { EmbeddedPostgres } from '@shop/database';
import { Counter, type Registry } from 'prom-client';

/**
 * The embedded database's one session, read from its worker at each scrape:
 * how long it was taken (`..._taken_seconds_total` rising at 1/s means every
 * connection queues for it), how long PGlite worked, and the batches and
 * transactions that used it.
 */
export function registerEmbeddedDatabaseMetrics(
  registry: Registry,
  database: Pick<EmbeddedPostgres, 'sessionUse'>,
): void {
  const counters = {
    takenSeconds: 'embedded_db_session_taken_seconds_total',
    workSeconds: 'embedded_db_session_work_seconds_total',
    batches: 'embedded_db_batches_total',
    transactions: 'embedded_db_transactions_total',
  } as const;
  const help: Record<keyof typeof counters, string> = {
    takenSeconds:
      "Seconds PGlite's one session was taken (a batch running or a transaction open); other connections wait meanwhile",
    workSeconds: 'Seconds PGlite spent running batches',
    batches: 'Batches run (a simple query, or extended-protocol messages up to Sync)',
    transactions: 'Transactions run',
  };
  // A scrape collects every metric at once: the four counters share one question to the worker.
  let asking: ReturnType<typeof database.sessionUse> | undefined;
  const sessionUse = () =>
    (asking ??= database.sessionUse().finally(() => {
      asking = undefined;
    }));
  for (const key of Object.keys(counters) as (keyof typeof counters)[]) {
    new Counter({
      name: counters[key],
      help: help[key],
      registers: [registry],
      async collect() {
        const use = await sessionUse();
        this.reset();
        this.inc(use[key]);
      },
    });
  }
}
