import pg from 'pg';

/**
 * A statement and its parameters, numbered `$1`, `$2`…: what a generated
 * client's `Prisma.sql` tag builds (its `text`), or `statement(text, values)`.
 */
export interface SqlStatement {
  readonly text: string;
  readonly values: readonly unknown[];
}

/** A statement written with numbered parameters, as `$queryRawUnsafe` took them. */
export function statement(text: string, values: readonly unknown[]): SqlStatement {
  return { text, values };
}

/** Statements on one connection: the pool's next free one, or a transaction's own. */
export interface SqlSession {
  /** The rows the statement answers, each an object by column name. */
  rows<Row>(statement: SqlStatement): Promise<Row[]>;
  /** How many rows the statement wrote. */
  execute(statement: SqlStatement): Promise<number>;
}

export interface TransactionOptions {
  /**
   * The longest the transaction may wait between its statements (while
   * `work` calls out) before the server ends the session, and so the
   * transaction, as Prisma's `timeout` bounded its interactive ones.
   */
  idleTimeoutMs?: number;
}

export interface SqlClient extends SqlSession {
  /**
   * Runs `work` in one transaction on one connection (READ COMMITTED, the
   * sessions' default): committed when it resolves, rolled back when it throws.
   */
  transaction<T>(work: (tx: SqlSession) => Promise<T>, options?: TransactionOptions): Promise<T>;
}

/**
 * Values as Prisma's raw queries read them: `timestamp` columns (Prisma's
 * DateTime) are UTC, whatever the process's time zone (node-postgres reads
 * them as local time), and `bigint` is a BigInt. Everything else is
 * node-postgres's own reading: int4 and float8 numbers, json parsed, uuid,
 * text and enums strings, arrays of these arrays.
 */
const TIMESTAMP = 1114;
const TIMESTAMP_ARRAY = 1115;
const INT8 = 20;
const utcTimestamp = (text: string) => new Date(`${text.replace(' ', 'T')}Z`);
const TYPES = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    switch (oid) {
      case TIMESTAMP:
        return utcTimestamp;
      case TIMESTAMP_ARRAY:
        return (text: string) => parseArray(text, utcTimestamp);
      case INT8:
        return (text: string) => BigInt(text);
      default:
        return pg.types.getTypeParser(oid, format);
    }
  },
} as pg.CustomTypesConfig;

/** A PostgreSQL array literal of one dimension whose elements hold no comma (timestamps), read by `element`. */
function parseArray<T>(text: string, element: (text: string) => T): (T | null)[] {
  if (text === '{}') return [];
  return text
    .slice(1, -1)
    .split(',')
    .map((item) => {
      if (item === 'NULL') return null;
      return element(item.startsWith('"') ? item.slice(1, -1) : item);
    });
}

/**
 * Dates as ISO text: a `timestamp` parameter then reads as UTC, as Prisma
 * writes DateTime, where node-postgres would send the process's local time.
 */
function parameterOf(value: unknown): unknown {
  return value instanceof Date ? value.toISOString() : value;
}

/**
 * Statements sent by node-postgres itself, on the pool Prisma's driver
 * adapter uses (so one pool per process, sized once), with its statement
 * names (a text is prepared once per connection by either path). For the
 * hot paths' raw statements only, where Prisma's client cost more than the
 * statement: measured here on one connection (2026-12-07, 2,000 calls after
 * a warm-up, CPU of the calling process), a one-row raw statement took
 * 170–290 µs through `$queryRawUnsafe` against 50–120 µs through
 * node-postgres, and an interactive transaction of three statements
 * 840–1,170 µs through `$transaction` against 230–330 µs. Model queries
 * stay on Prisma's client.
 */
export function createSqlClient(
  pool: pg.Pool,
  nameOf: (query: { sql: string }) => string,
): SqlClient {
  const run = (queryable: pg.Pool | pg.PoolClient, { text, values }: SqlStatement) =>
    queryable.query({
      text,
      values: values.map(parameterOf),
      name: nameOf({ sql: text }) || undefined,
      types: TYPES,
    });
  const sessionOf = (queryable: pg.Pool | pg.PoolClient): SqlSession => ({
    rows: async <Row>(sql: SqlStatement) => (await run(queryable, sql)).rows as Row[],
    execute: async (sql) => (await run(queryable, sql)).rowCount ?? 0,
  });
  return {
    ...sessionOf(pool),
    async transaction(work, options = {}) {
      const begin =
        options.idleTimeoutMs === undefined
          ? 'BEGIN'
          : // One message for both: the simple protocol runs them in order, in one round trip.
            `BEGIN; SET LOCAL idle_in_transaction_session_timeout = ${Math.ceil(options.idleTimeoutMs)}`;
      const connection = await pool.connect();
      let broken: unknown;
      // The server may end the session between statements (the idle timeout, a restart): the
      // connection then emits the error, which would be unhandled while it is out of the pool;
      // the next statement fails on the closed connection.
      const lost = (error: Error) => {
        broken = error;
      };
      connection.on('error', lost);
      try {
        await connection.query(begin);
        const result = await work(sessionOf(connection));
        await connection.query('COMMIT');
        return result;
      } catch (error) {
        try {
          await connection.query('ROLLBACK');
        } catch (rollbackError) {
          // The connection is unusable (it dropped mid-transaction): the pool must not reuse it.
          broken = rollbackError;
        }
        throw error;
      } finally {
        connection.off('error', lost);
        connection.release(broken instanceof Error ? broken : undefined);
      }
    },
  };
}

/** The raw-statement part of a Prisma client or of its interactive transaction. */
export interface PrismaRawStatements {
  $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): Promise<T>;
  $executeRawUnsafe(query: string, ...values: unknown[]): Promise<number>;
}

/**
 * A Prisma interactive transaction as an SqlSession, for statements shared
 * by a hot path (on the SqlClient) and work that runs inside a transaction
 * Prisma's client holds because it also makes model queries (payments'
 * capture, review and void, around the settlement's statements). Prisma's raw
 * queries read values as the SqlClient does.
 */
export function sqlSessionOf(tx: PrismaRawStatements): SqlSession {
  return {
    rows: <Row>({ text, values }: SqlStatement) => tx.$queryRawUnsafe<Row[]>(text, ...values),
    execute: ({ text, values }) => tx.$executeRawUnsafe(text, ...values),
  };
}
