import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { applyMigrations } from '@shop/database';
import { SUBGRAPHS, testDatabaseUrl, prepareTestDatabase } from '@shop/testing';

const repoRoot = path.resolve(__dirname, '../../..');
const run = promisify(execFile);
const quiet = { info: () => undefined, warn: () => undefined };

interface Catalog {
  columns: string[];
  enums: string[];
  indexes: string[];
  constraints: string[];
}

/** What a schema holds, with its own name taken out so two schemas compare. */
async function catalogOf(client: pg.Client, schema: string): Promise<Catalog> {
  const strip = (text: string) => text.split(`"${schema}".`).join('').split(`${schema}.`).join('');
  const rows = async (sql: string) =>
    (await client.query<{ line: string }>(sql, [schema])).rows.map((row) => strip(row.line)).sort();
  return {
    columns:
      await rows(`SELECT concat_ws(' | ', table_name, column_name, udt_name, is_nullable, column_default) AS line
                         FROM information_schema.columns WHERE table_schema = $1 AND table_name <> '_prisma_migrations'`),
    enums:
      await rows(`SELECT t.typname || ': ' || string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder) AS line
                       FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid JOIN pg_namespace n ON n.oid = t.typnamespace
                       WHERE n.nspname = $1 GROUP BY t.typname`),
    indexes: await rows(
      `SELECT indexdef AS line FROM pg_indexes WHERE schemaname = $1 AND tablename <> '_prisma_migrations'`,
    ),
    constraints:
      await rows(`SELECT c.conname || ': ' || pg_get_constraintdef(c.oid) AS line FROM pg_constraint c
                             JOIN pg_namespace n ON n.oid = c.connamespace JOIN pg_class t ON t.oid = c.conrelid
                             WHERE n.nspname = $1 AND t.relname <> '_prisma_migrations'`),
  };
}

/**
 * Prisma's own drift check (`migrate diff --from-migrations`) does not work
 * through driver adapters, so this test does it by hand: the migrations must
 * build every column, enum, index and constraint that schema.prisma describes,
 * and no column it does not. Hand-written extras (CHECKs, partial indexes,
 * triggers) are allowed on top.
 */
describe('migrations build what schema.prisma describes', () => {
  it.each(SUBGRAPHS)(
    '%s',
    async (subgraph) => {
      const url = await prepareTestDatabase(subgraph);
      const { stdout: ddl } = await run(
        process.execPath,
        [path.join(repoRoot, 'scripts/prisma-ddl.mjs'), subgraph],
        {
          cwd: repoRoot,
        },
      );
      const migrated = `drift_migrated_${subgraph}`;
      const described = `drift_described_${subgraph}`;
      const client = new pg.Client({ connectionString: testDatabaseUrl(subgraph).split('?')[0] });
      await client.connect();
      try {
        await client.query(
          `DROP SCHEMA IF EXISTS ${migrated} CASCADE; DROP SCHEMA IF EXISTS ${described} CASCADE`,
        );
        await applyMigrations(
          url.replace(`schema=${subgraph}`, `schema=${migrated}`),
          path.join(repoRoot, 'prisma', subgraph, 'migrations'),
          quiet,
        );
        await client.query(`CREATE SCHEMA ${described}; SET search_path TO ${described}`);
        await client.query(ddl.replace(/CREATE SCHEMA IF NOT EXISTS "public";/, ''));
        await client.query('SET search_path TO public');

        const fromMigrations = await catalogOf(client, migrated);
        const fromSchema = await catalogOf(client, described);
        expect(fromMigrations.columns).toEqual(fromSchema.columns);
        expect(fromMigrations.enums).toEqual(fromSchema.enums);
        expect(fromMigrations.indexes).toEqual(expect.arrayContaining(fromSchema.indexes));
        expect(fromMigrations.constraints).toEqual(expect.arrayContaining(fromSchema.constraints));
      } finally {
        await client.query(
          `DROP SCHEMA IF EXISTS ${migrated} CASCADE; DROP SCHEMA IF EXISTS ${described} CASCADE`,
        );
        await client.end();
      }
    },
    60_000,
  );
});
