import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { applyMigrations, parseDatabaseUrl } from '@shop/database';
import { TEST_IDENTITY_SECRET } from './identities';
import { prepareTestEventsDatabase, testEventsDatabaseUrl } from './test-events';
import { createDatabaseIfMissing, testDatabaseUrl } from './test-server';

const repoRoot = path.resolve(__dirname, '../../..');
const quiet = { info: () => undefined, warn: () => undefined };

/** Creates (if needed), migrates and empties the subgraph's test database; returns its URL. */
export async function prepareTestDatabase(subgraph: string): Promise<string> {
  const url = testDatabaseUrl(subgraph);
  await createDatabaseIfMissing(url);
  // Subgraphs started on it publish and consume events there (testSubgraphSettings).
  await prepareTestEventsDatabase();
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

export const SUBGRAPHS = [
  'users',
  'products',
  'inventory',
  'orders',
  'payments',
  'search',
  'notifications',
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

/**
 * Settings that boot a subgraph on a free port against its prepared test
 * database, its events over the worker's events database in a namespace of
 * its own (a test that watches them passes its own testEventsSettings after these).
 */
export function testSubgraphSettings(databaseUrl: string) {
  return {
    production: false,
    logLevel: 'silent',
    host: '127.0.0.1',
    port: 0,
    databaseUrl,
    poolSize: 4,
    identitySecret: TEST_IDENTITY_SECRET,
    eventsDatabaseUrl: testEventsDatabaseUrl(),
    streamPrefix: `test-${randomUUID()}:`,
  };
}
