// The production runtime for a benchmark: the machine's PostgreSQL (a fresh
// database per subgraph, migrated and seeded by the stack as it starts) and
// Redis (event streams under a prefix of this run's own), instead of the
// embedded PostgreSQL server and its event streams.
import { createRequire } from 'node:module';
import path from 'node:path';
import pg from 'pg';
import { root } from './stack-process.mjs';

/** The stack's subgraphs: each has a database here, a port and a /metrics of its own. */
export const SUBGRAPHS = [
  'users',
  'products',
  'orders',
  'payments',
  'inventory',
  'search',
  'notifications',
];
const SERVER_URL = process.env.BENCH_DATABASE_SERVER_URL ?? 'postgresql://postgres@127.0.0.1:5432';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Fresh databases and a stream prefix; answers the stack's env and how to remove them again. */
export async function startServices() {
  const run = `${process.pid}_${Date.now()}`;
  const databases = SUBGRAPHS.map((subgraph) => ({
    subgraph,
    name: `shop_bench_${subgraph}_${run}`,
  }));
  const admin = new pg.Client({ connectionString: `${SERVER_URL}/postgres` });
  await admin.connect();
  try {
    for (const { name } of databases) await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const streamPrefix = `bench-${run}:`;
  return {
    /** Where the stack's databases are, for their statistics. */
    database: { serverUrl: SERVER_URL, names: databases.map(({ name }) => name) },
    env: {
      ...Object.fromEntries(
        databases.map(({ subgraph, name }) => [
          `DATABASE_URL_${subgraph.toUpperCase()}`,
          `${SERVER_URL}/${name}?schema=${subgraph}`,
        ]),
      ),
      REDIS_URL,
      EVENT_STREAM_PREFIX: streamPrefix,
    },
    async remove() {
      const client = new pg.Client({ connectionString: `${SERVER_URL}/postgres` });
      await client.connect();
      try {
        for (const { name } of databases) {
          await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
        }
      } finally {
        await client.end();
      }
      await removeStreams(streamPrefix);
    },
  };
}

async function removeStreams(prefix) {
  // ioredis is the events package's dependency, not the root's.
  const Redis = createRequire(path.join(root, 'internal/events/package.json'))('ioredis');
  const redis = new Redis(REDIS_URL);
  try {
    let cursor = '0';
    do {
      const [nextCursor, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      if (keys.length > 0) await redis.del(...keys);
      cursor = nextCursor;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
