import pg from 'pg';
import { testDatabaseUrl } from '@shop/testing';
import { createPrismaAdapter } from '../src/prisma-adapter';
import { parseDatabaseUrl } from '../src/database-url';
import { databaseTraffic } from '../src/database-traffic';

// The stock and payment transactions rely on READ COMMITTED without naming it
// per transaction: the adapter's connections must start with it even on a
// server (here a database) configured otherwise.
describe('the Prisma adapter’s connections', () => {
  const url = testDatabaseUrl('adapter');
  const { connectionString } = parseDatabaseUrl(url);
  const database = new URL(connectionString).pathname.slice(1);

  beforeAll(async () => {
    const admin = new pg.Client({
      connectionString: connectionString.replace(database, 'postgres'),
    });
    await admin.connect();
    try {
      await admin.query(`DROP DATABASE IF EXISTS "${database}"`);
      await admin.query(`CREATE DATABASE "${database}"`);
      await admin.query(
        `ALTER DATABASE "${database}" SET default_transaction_isolation = 'serializable'`,
      );
    } finally {
      await admin.end();
    }
  });

  it('start READ COMMITTED whatever the database’s default', async () => {
    const plain = new pg.Client({ connectionString });
    await plain.connect();
    const { rows } = await plain.query<{ level: string }>('SELECT current_setting($1) AS level', [
      'default_transaction_isolation',
    ]);
    await plain.end();
    expect(rows[0]!.level).toBe('serializable');

    const setup = createPrismaAdapter(url, { poolSize: 1 });
    const adapter = await setup.adapter.connect();
    try {
      const result = await adapter.queryRaw({
        sql: 'SELECT current_setting($1) AS level',
        args: ['default_transaction_isolation'],
        argTypes: [{ scalarType: 'string', arity: 'scalar' }],
      });
      expect(result.rows).toEqual([['read committed']]);
    } finally {
      await adapter.dispose();
      await setup.end();
    }
  });

  it('count each query as a round trip, and those that are not transaction control as statements', async () => {
    const setup = createPrismaAdapter(url, { poolSize: 1 });
    const adapter = await setup.adapter.connect();
    const before = { ...databaseTraffic };
    try {
      const transaction = await adapter.startTransaction();
      await transaction.queryRaw({ sql: 'SELECT 1', args: [], argTypes: [] });
      // As Prisma's client ends a transaction: COMMIT sent, then the connection handed back.
      await transaction.executeRaw({ sql: 'COMMIT', args: [], argTypes: [] });
      await transaction.commit();
      await adapter.queryRaw({ sql: 'SELECT 2', args: [], argTypes: [] });
    } finally {
      await adapter.dispose();
      await setup.end();
    }
    // BEGIN, SELECT 1, COMMIT, SELECT 2.
    expect(databaseTraffic.roundTrips - before.roundTrips).toBe(4);
    expect(databaseTraffic.statements - before.statements).toBe(2);
  });

  it('prepare a statement on its second run: each connection then parses it once', async () => {
    const setup = createPrismaAdapter(url, { poolSize: 1 });
    const adapter = await setup.adapter.connect();
    const query = (sql: string, ...args: number[]) =>
      adapter.queryRaw({
        sql,
        args,
        argTypes: args.map(() => ({ scalarType: 'int', arity: 'scalar' }) as const),
      });
    const repeated = 'SELECT $1::int + 1 AS next';
    const once = 'SELECT $1::int + 2 AS other';
    try {
      const answers = [];
      for (const value of [1, 2, 3]) answers.push((await query(repeated, value)).rows);
      expect(answers).toEqual([[[2]], [[3]], [[4]]]);
      await query(once, 1);
      // The pool's one connection, asked through the adapter as every statement is.
      const prepared = await query('SELECT statement FROM pg_prepared_statements');
      expect(prepared.rows).toEqual([[repeated]]);
    } finally {
      await adapter.dispose();
      await setup.end();
    }
  });
});
