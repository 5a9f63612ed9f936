import { readdir } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { applyMigrations, parseDatabaseUrl } from '@shop/database';
import { TEST_IDENTITY_SECRET } from './identities';

const SERVER_URL = process.env.TEST_DATABASE_SERVER_URL ?? 'postgresql://postgres@127.0.0.1:5432';
const repoRoot = path.resolve(__dirname, '../../..');
const quiet = { info: () => undefined, warn: () => undefined };

/**
 * Each jest worker gets its own database per subgraph on the machine's real
 * PostgreSQL (`shop_test_<subgraph>_w<worker>`), migrated like production, so
 * test files running in parallel never see each other's rows. TEST_RUN_ID
 * sets one jest run's databases apart from another's running at the same
 * time (`shop_test_<subgraph>_w<run>_<worker>`): jest numbers workers from 1
 * in every run, and sets JEST_WORKER_ID to 1 in every --runInBand run.
 */
export function testDatabaseUrl(subgraph: string): string {
  const jestWorker = process.env.JEST_WORKER_ID ?? '0';
  const run = process.env.TEST_RUN_ID;
  if (run !== undefined && !/^[a-z0-9]{1,16}$/i.test(run)) {
    throw new Error('TEST_RUN_ID must be 1 to 16 letters or digits');
  }
  const worker = run ? `${run}_${jestWorker}` : jestWorker;
  return `${SERVER_URL}/shop_test_${subgraph}_w${worker}?schema=${subgraph}`;
}

/** Creates (if needed), migrates and empties the subgraph's test database; returns its URL. */
export async function prepareTestDatabase(subgraph: string): Promise<string> {
  const url = testDatabaseUrl(subgraph);
  await createDatabaseIfMissing(url);
  await applyMigrations(url, path.join(repoRoot, 'prisma', subgraph, 'migrations'), quiet);
  await resetTestDatabase(url);
  return url;
}

/** Empties every table of the subgraph's schema but the migration history. */
export async function resetTestDatabase(url: string): Promise<void> {
  const { connectionString, schema } = parseDatabaseUrl(url);
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    const { rows } = await client.query<{ tablename: string }>(
      `SELECT tablename FROM pg_tables WHERE schemaname = $1 AND tablename <> '_prisma_migrations'`,
      [schema],
    );
    if (rows.length > 0) {
      const tables = rows.map((row) => `"${schema}"."${row.tablename}"`).join(', ');
      await client.query(`TRUNCATE ${tables} RESTART IDENTITY CASCADE`);
    }
  } finally {
    await client.end();
  }
}

/** Runs SQL against a test database, for assertions on what was stored. */
export async function queryTestDatabase<Row extends object>(
  url: string,
  sql: string,
  params: unknown[] = [],
): Promise<Row[]> {
  const { connectionString, schema } = parseDatabaseUrl(url);
  const client = new pg.Client({ connectionString, options: `-c search_path=${schema}` });
  await client.connect();
  try {
    return (await client.query<Row>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

/** Rows of a table of the subgraph's schema, optionally matching a condition. */
export async function countRows(
  url: string,
  table: string,
  where = 'true',
  params: unknown[] = [],
): Promise<number> {
  const [row] = await queryTestDatabase<{ count: string }>(
    url,
    `SELECT count(*) FROM "${table}" WHERE ${where}`,
    params,
  );
  return Number(row!.count);
}

async function createDatabaseIfMissing(url: string): Promise<void> {
  const database = new URL(url).pathname.slice(1);
  const admin = new pg.Client({ connectionString: `${SERVER_URL}/postgres` });
  await admin.connect();
  try {
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [
      database,
    ]);
    if (rowCount === 0) {
      await admin.query(`CREATE DATABASE "${database}"`).catch((error: { code?: string }) => {
        // Another process created it between the check and here.
        if (error.code !== '42P04') throw error;
      });
    }
  } finally {
    await admin.end();
  }
}

export const SUBGRAPHS = [
  'users',
  'products',
  'inventory',
  'orders',
  'payments',
  'search',
] as const;
export type SubgraphName = (typeof SUBGRAPHS)[number];

/** The migration folders of a subgraph, for checks over the migration history. */
export async function migrationNames(subgraph: string): Promise<string[]> {
  const entries = await readdir(path.join(repoRoot, 'prisma', subgraph, 'migrations'), {
    withFileTypes: true,
  });
  return entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

/** Settings that boot a subgraph on a free port against its prepared test database. */
export function testSubgraphSettings(databaseUrl: string) {
  return {
    production: false,
    logLevel: 'silent',
    host: '127.0.0.1',
    port: 0,
    databaseUrl,
    poolSize: 4,
    identitySecret: TEST_IDENTITY_SECRET,
  };
}
