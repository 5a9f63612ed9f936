import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import pg from 'pg';
import type * as Embedded from '../src/embedded-postgres';

// PGlite cannot load inside jest's module sandbox, so this runs the built
// embedded server (a worker thread, as npm start does); npm test builds first.
const built = path.resolve(__dirname, '../dist/embedded-postgres.js');

describe('the embedded PostgreSQL: many connections, one PGlite session', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'shop-pglite-'));
  let embedded: Embedded.EmbeddedPostgres;
  let pool: pg.Pool;

  beforeAll(async () => {
    if (!existsSync(built)) throw new Error(`${built} is missing: run npm run build first`);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { startEmbeddedPostgres } = require(built) as typeof Embedded;
    embedded = await startEmbeddedPostgres({ dataDir });
    pool = new pg.Pool({ connectionString: embedded.url, max: 8 });
    await pool.query('CREATE TABLE probe (id int PRIMARY KEY, tags text[])');
  }, 60_000);
  afterAll(async () => {
    await pool.end();
    await embedded.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('never binds one connection’s parameters to another connection’s statement', async () => {
    // Differently shaped parameterized statements on 8 connections at once:
    // interleaving single messages made these fail with 22P02 or return wrong rows.
    const results = await Promise.all(
      Array.from({ length: 300 }, (_, index) =>
        index % 2 === 0
          ? pool
              .query<{ n: number }>('SELECT $1::int + 1 AS n', [index])
              .then((result) => result.rows[0]!.n === index + 1)
          : pool
              .query<{ tags: string[] }>('SELECT $1::text[] AS tags', [[`t${index}`, 'x']])
              .then((result) => result.rows[0]!.tags[0] === `t${index}`),
      ),
    );
    expect(results.every(Boolean)).toBe(true);
  });

  it('keeps a transaction’s statements together and invisible to others until commit', async () => {
    const owner = await pool.connect();
    try {
      await owner.query('BEGIN');
      await owner.query('INSERT INTO probe (id, tags) VALUES ($1, $2)', [1, ['a']]);
      // Another connection's read waits for the transaction to end, then sees its result.
      const read = pool.query<{ count: string }>('SELECT count(*) FROM probe');
      await owner.query('INSERT INTO probe (id, tags) VALUES ($1, $2)', [2, ['b']]);
      await owner.query('COMMIT');
      expect(Number((await read).rows[0]!.count)).toBe(2);
    } finally {
      owner.release();
    }
  });

  it('rolls back the transaction of a client that disconnects inside it', async () => {
    const quitter = await pool.connect();
    await quitter.query('BEGIN');
    await quitter.query('INSERT INTO probe (id, tags) VALUES (3, $1)', [['c']]);
    quitter.release(true); // destroys the connection mid-transaction
    const { rows } = await pool.query<{ count: string }>('SELECT count(*) FROM probe WHERE id = 3');
    expect(Number(rows[0]!.count)).toBe(0);
  });

  it('tells how long the session was taken: a transaction holds it between its batches', async () => {
    const before = await embedded.sessionUse();
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('SELECT 1');
      await delay(200);
      await client.query('COMMIT');
    } finally {
      client.release();
    }
    const after = await embedded.sessionUse();
    expect(after.transactions - before.transactions).toBe(1);
    expect(after.batches - before.batches).toBe(3);
    expect(after.takenSeconds - before.takenSeconds).toBeGreaterThanOrEqual(0.2);
    expect(after.workSeconds - before.workSeconds).toBeLessThan(0.1);
  });
});
