// Configuration of the Prisma 6.19 CLI (the `prisma-6` alias) that
// scripts/prisma-cli.mjs runs for `migrate diff` only. `engine: 'js'` keeps it
// on its WebAssembly schema engine, so nothing is downloaded; the adapter is
// what that engine requires. Diffing datamodels asks it one thing, the
// server's version (for the SQL dialect), and then pg's idle client kept
// each CLI run open for the pool's 10 s idle timeout: 12 s per diff, 2 with
// allowExitOnIdle, the same SQL.
import { defineConfig } from 'prisma-6/config';
import { PrismaPg } from '@prisma/adapter-pg';

export default defineConfig({
  engine: 'js',
  schema: process.env.PRISMA_SCHEMA,
  experimental: { adapter: true },
  async adapter() {
    return new PrismaPg({
      connectionString:
        process.env.PRISMA_CLI_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres',
      allowExitOnIdle: true,
    });
  },
});
