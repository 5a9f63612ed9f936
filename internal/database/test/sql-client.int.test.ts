import { createDatabaseIfMissing, testDatabaseUrl } from '@shop/testing';
import { databaseTraffic } from '../src/database-traffic';
import { createPrismaAdapter, type PrismaAdapter } from '../src/prisma-adapter';
import { statement } from '../src/sql-client';

/** The raw statements' client, on the pool Prisma's adapter uses. */
describe('the SQL client', () => {
  const url = testDatabaseUrl('sql_client');
  let setup: PrismaAdapter;

  beforeAll(async () => {
    await createDatabaseIfMissing(url);
    setup = createPrismaAdapter(url, { poolSize: 2 });
    await setup.sql.execute(statement('DROP TABLE IF EXISTS note', []));
    await setup.sql.execute(
      statement('CREATE TABLE note (id int PRIMARY KEY, at timestamp(3), body text)', []),
    );
  });

  afterAll(() => setup.end());

  // Prisma's DateTime columns are `timestamp` holding UTC: a Date written is stored as its UTC
  // reading and read back as the same instant.
  it('writes and reads timestamps as Prisma’s DateTime columns hold them, in UTC', async () => {
    const at = new Date('2026-12-07T04:30:00.123Z');
    await setup.sql.execute(statement('INSERT INTO note VALUES (1, $1, $2)', [at, 'first']));
    const [row] = await setup.sql.rows<{ at: Date; text: string; stamps: Date[] }>(
      statement(
        `SELECT at, at::text AS text, ARRAY[at, NULL] AS stamps FROM note WHERE id = $1`,
        [1],
      ),
    );
    expect(row!.text).toBe('2026-12-07 04:30:00.123');
    expect(row!.at.toISOString()).toBe(at.toISOString());
    expect(row!.stamps).toEqual([at, null]);
  });

  it('reads bigint as BigInt, json parsed and arrays as arrays, as Prisma’s raw queries do', async () => {
    const [row] = await setup.sql.rows(
      statement(
        `SELECT count(*) AS many, $1::int AS one, json_build_object('a', $2::text) AS object,
                $3::text[] AS texts`,
        [7, 'x', ['p', 'q,r']],
      ),
    );
    expect(row).toEqual({ many: 1n, one: 7, object: { a: 'x' }, texts: ['p', 'q,r'] });
  });

  it('commits a transaction that resolves, and rolls back one that throws', async () => {
    await setup.sql.transaction(async (tx) => {
      await tx.execute(statement(`INSERT INTO note VALUES (2, NULL, 'kept')`, []));
    });
    const failure = new Error('refused');
    await expect(
      setup.sql.transaction(async (tx) => {
        await tx.execute(statement(`INSERT INTO note VALUES (3, NULL, 'undone')`, []));
        throw failure;
      }),
    ).rejects.toBe(failure);
    const rows = await setup.sql.rows<{ id: number }>(
      statement('SELECT id FROM note WHERE id > 1 ORDER BY id', []),
    );
    expect(rows).toEqual([{ id: 2 }]);
  });

  it('ends a transaction that waits between statements longer than its idle timeout', async () => {
    await expect(
      setup.sql.transaction(
        async (tx) => {
          await tx.execute(statement(`INSERT INTO note VALUES (4, NULL, 'idle')`, []));
          // Far past the timeout: the server ends the session meanwhile.
          await new Promise((resolve) => setTimeout(resolve, 500));
          await tx.execute(statement(`INSERT INTO note VALUES (5, NULL, 'late')`, []));
        },
        { idleTimeoutMs: 50 },
      ),
    ).rejects.toThrow();
    const rows = await setup.sql.rows(statement('SELECT id FROM note WHERE id >= 4', []));
    expect(rows).toEqual([]);
  });

  it('answers how many rows a statement wrote', async () => {
    const written = await setup.sql.execute(
      statement(`UPDATE note SET body = body || '!' WHERE id <= $1`, [2]),
    );
    expect(written).toBe(2);
  });

  it('counts its queries with the adapter’s, and prepares a text from its second run', async () => {
    const before = { ...databaseTraffic };
    const text = 'SELECT $1::int * 2 AS doubled';
    const answers = [];
    for (const value of [1, 2, 3]) answers.push(await setup.sql.rows(statement(text, [value])));
    await setup.sql.transaction((tx) => tx.rows(statement('SELECT 1 AS one', [])));
    expect(answers).toEqual([[{ doubled: 2 }], [{ doubled: 4 }], [{ doubled: 6 }]]);
    // Three statements, then BEGIN, one statement, COMMIT.
    expect(databaseTraffic.roundTrips - before.roundTrips).toBe(6);
    expect(databaseTraffic.statements - before.statements).toBe(4);
    const prepared = await setup.sql.rows<{ statement: string }>(
      statement('SELECT statement FROM pg_prepared_statements WHERE statement = $1', [text]),
    );
    expect(prepared.length).toBeGreaterThan(0);
  });
});
