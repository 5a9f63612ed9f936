import { PrismaPg } from '@prisma/adapter-pg';
import { createConnectionPool } from './connection-pool';
import { parseDatabaseUrl } from './database-url';
import { createSqlClient, type SqlClient } from './sql-client';
import { statementNamer } from './statement-names';

export interface AdapterOptions {
  /** Connections this process may hold open to the database. */
  poolSize: number;
}

/** How a pool's connections are used at this moment, as pg counts them. */
export interface PoolUse {
  /** Connections open, in use or idle. */
  readonly totalCount: number;
  readonly idleCount: number;
  /** Queries waiting for a connection because every one the pool may open is in use. */
  readonly waitingCount: number;
  /**
   * An idle connection broke (the server restarted, or ended it): the pool
   * has dropped it and opens another on next use. Unheard, the error would
   * end the process, as any EventEmitter's.
   */
  on(event: 'error', listener: (error: Error) => void): unknown;
}

export interface PrismaAdapter {
  adapter: PrismaPg;
  /** Raw statements on the adapter's own pool, with its statement names. */
  sql: SqlClient;
  /** The adapter's pool, for /metrics. */
  pool: PoolUse;
  /**
   * Closes the pool: the adapter leaves it open, since Prisma's client
   * disposes its adapter only if it ever connected, and statements on `sql`
   * alone never connect it.
   */
  end(): Promise<void>;
}

/**
 * Every connection starts READ COMMITTED (PostgreSQL's default, pinned so a
 * server configured otherwise cannot change it): the stock and payment
 * transactions rely on it, and naming it per transaction costs a round trip
 * each. PGlite ignores startup options; its one session keeps the default.
 */
const SESSION_OPTIONS = '-c default_transaction_isolation=read\\ committed';

/**
 * The driver adapter a subgraph's PrismaClient runs on. Prisma qualifies every
 * table with the adapter's schema, so subgraphs sharing one server (the
 * embedded mode) never see each other's tables.
 */
export function createPrismaAdapter(databaseUrl: string, options: AdapterOptions): PrismaAdapter {
  const { connectionString, schema } = parseDatabaseUrl(databaseUrl);
  const pool = createConnectionPool({
    connectionString,
    max: options.poolSize,
    options: SESSION_OPTIONS,
  });
  const nameOf = statementNamer();
  return {
    adapter: new PrismaPg(pool, {
      schema,
      disposeExternalPool: false,
      statementNameGenerator: nameOf,
    }),
    sql: createSqlClient(pool, nameOf),
    pool,
    end: () => pool.end(),
  };
}
