import pg from 'pg';
import { countDatabaseTraffic } from './database-traffic';

export interface ConnectionPoolOptions {
  connectionString: string;
  /** Connections the pool may open. */
  max: number;
  /** Shown in pg_stat_activity. */
  applicationName?: string;
  /** Startup options (`-c name=value`), sent with every new connection. */
  options?: string;
}

/**
 * Every PostgreSQL pool of a process: counted (databaseTraffic), and
 * keeping the connections it has opened, as a fixed-size pool once grown
 * (HikariCP's advice for its own pools). A pool that closed its idle
 * connections after a quiet spell (pg-pool's default, 10 s; 30 s here
 * before) met the next burst with new backends, each forked, catalog-cold and
 * preparing every statement again: under perf, the embedded server forked 23
 * backends in the first second of a checkout load that followed a minute of
 * lighter traffic (2026-12-07). A broken idle connection is still dropped
 * (the pool's 'error', which its owner logs) and replaced on next use.
 */
export function createConnectionPool(options: ConnectionPoolOptions): pg.Pool {
  return countDatabaseTraffic(
    new pg.Pool({
      connectionString: options.connectionString,
      max: options.max,
      min: options.max,
      ...(options.applicationName && { application_name: options.applicationName }),
      ...(options.options && { options: options.options }),
    }),
  );
}
