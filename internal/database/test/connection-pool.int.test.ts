import { setTimeout as sleep } from 'node:timers/promises';
import { createDatabaseIfMissing, testDatabaseUrl } from '@shop/testing';
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
});
