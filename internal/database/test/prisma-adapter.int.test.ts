import pg from 'pg';
import { testDatabaseUrl } from '@shop/testing';
import { createPrismaAdapter } from '../src/prisma-adapter';
import { parseDatabaseUrl } from '../src/database-url';

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

    const adapter = await createPrismaAdapter(url, { poolSize: 1 }).connect();
    try {
      const result = await adapter.queryRaw({
        sql: 'SELECT current_setting($1) AS level',
        args: ['default_transaction_isolation'],
        argTypes: [{ scalarType: 'string', arity: 'scalar' }],
      });
      expect(result.rows).toEqual([['read committed']]);
    } finally {
      await adapter.dispose();
    }
  });
});
