import { createHash, randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { parseDatabaseUrl } from './database-url';

export interface MigrationLog {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
}

export interface MigrationResult {
  applied: string[];
}

/** A migration that failed part-way on an earlier run and needs a person. */
export class FailedMigrationError extends Error {}

/**
 * Applies prisma/<subgraph>/migrations in order, recording them in Prisma's
 * own `_prisma_migrations` table with Prisma's checksum, so `prisma migrate
 * status` reads the same history.
 *
 * Why not `prisma migrate deploy`: through a driver adapter (the only offline
 * path, see docs/prisma.md) the CLI's WebAssembly schema engine leaves a 10 s timer
 * behind after every run, and it would ship the CLI into every container. All
 * pending migrations run in one transaction under an advisory lock, so two
 * instances starting together apply them once, and a failure leaves nothing
 * half-applied.
 */
export async function applyMigrations(
  databaseUrl: string,
  migrationsDir: string,
  log: MigrationLog,
): Promise<MigrationResult> {
  const { connectionString, schema } = parseDatabaseUrl(databaseUrl);
  const migrations = await readMigrations(migrationsDir);
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [lockKey(schema).toString()]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    await client.query(`SET LOCAL search_path TO "${schema}"`);
    await client.query(PRISMA_MIGRATIONS_TABLE);

    const { rows } = await client.query<{
      migration_name: string;
      checksum: string;
      finished_at: Date | null;
      rolled_back_at: Date | null;
    }>('SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations"');
    const failed = rows.filter((row) => row.finished_at === null && row.rolled_back_at === null);
    if (failed.length > 0) {
      throw new FailedMigrationError(
        `Migrations failed earlier in schema "${schema}": ${failed.map((row) => row.migration_name).join(', ')}. ` +
          'Resolve them (prisma migrate resolve) before starting.',
      );
    }
    const done = new Map(
      rows
        .filter((row) => row.finished_at !== null)
        .map((row) => [row.migration_name, row.checksum]),
    );

    const applied: string[] = [];
    for (const migration of migrations) {
      const recorded = done.get(migration.name);
      if (recorded !== undefined) {
        if (recorded !== migration.checksum) {
          log.warn(
            { migration: migration.name, schema },
            'migration file changed after it was applied',
          );
        }
        continue;
      }
      const startedAt = new Date();
      await client.query(migration.sql);
      await client.query(
        `INSERT INTO "_prisma_migrations"
           (id, checksum, migration_name, started_at, finished_at, applied_steps_count)
         VALUES ($1, $2, $3, $4, now(), 1)`,
        [randomUUID(), migration.checksum, migration.name, startedAt],
      );
      applied.push(migration.name);
    }
    await client.query('COMMIT');
    if (applied.length > 0) log.info({ schema, applied }, 'applied migrations');
    return { applied };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    await client.end();
  }
}

interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

async function readMigrations(dir: string): Promise<Migration[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const names = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  return Promise.all(
    names.map(async (name) => {
      const sql = await readFile(path.join(dir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    }),
  );
}

function lockKey(schema: string): bigint {
  // Any stable 63-bit number per schema will do; a hash keeps schemas apart.
  return createHash('sha256').update(`migrations:${schema}`).digest().readBigInt64BE(0);
}

// Prisma's own definition, so Prisma's CLI recognises the history.
const PRISMA_MIGRATIONS_TABLE = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;
