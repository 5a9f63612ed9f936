import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { createDatabaseIfMissing, eventually, testDatabaseUrl } from '@shop/testing';
import { createConnectionPool } from '../src/connection-pool';
import { parseDatabaseUrl } from '../src/database-url';

/** Past pg-pool's own idle timeout (10 s), after which its default closes an idle connection. */
const QUIET_SPELL_MS = 11_000;

describe('a connection pool', () => {
  const url = testDatabaseUrl('pool');
  const { connectionString } = parseDatabaseUrl(url);

  beforeAll(() => createDatabaseIfMissing(url));

  it('keeps the connections it opened through a quiet spell, so the next burst meets warm backends', async () => {
    const pool = createConnectionPool({ connectionString, max: 2, applicationName: 'pool-test' });
    try {
      const backendsOf = async () => {
        // Two at once: each holds its connection until both have answered.
        const clients = await Promise.all([pool.connect(), pool.connect()]);
        try {
          const pids = await Promise.all(
            clients.map(async (client) => {
              const { rows } = await client.query<{ pid: number }>(
                'SELECT pg_backend_pid() AS pid',
              );
              return rows[0]!.pid;
            }),
          );
          return pids.sort();
        } finally {
          for (const client of clients) client.release();
        }
      };
      const first = await backendsOf();
      await sleep(QUIET_SPELL_MS);
      expect(pool.totalCount).toBe(2);
      expect(await backendsOf()).toEqual(first);
    } finally {
      await pool.end();
    }
  }, 30_000);

  it('drops a connection the server ended while idle, tells its listener, and serves on another', async () => {
    const pool = createConnectionPool({ connectionString, max: 1, applicationName: 'pool-test' });
    const lost: Error[] = [];
    pool.on('error', (error) => lost.push(error));
    const admin = new pg.Client({ connectionString });
    await admin.connect();
    try {
      const backendOf = async () =>
        (await pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
      const first = await backendOf();
      await admin.query('SELECT pg_terminate_backend($1)', [first]);
      await eventually(() => expect(lost).toHaveLength(1));
      expect(pool.totalCount).toBe(0);
      const next = await backendOf();
      expect(next).not.toBe(first);
    } finally {
      await admin.end();
      await pool.end();
    }
  });
});
