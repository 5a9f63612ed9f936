// Prisma CLI configuration, for `prisma generate` and `prisma migrate diff`.
//
// `engine: 'js'` keeps the CLI on its WebAssembly engines, so nothing is
// downloaded (this network reaches only the npm registry). The schema is
// chosen by PRISMA_SCHEMA (scripts/prisma-cli.mjs sets it to
// prisma/<subgraph>/schema.prisma): the CLI learns the client's engine type
// from the configured schema, and without it falls back to downloading the
// native query engine. The migrations sit beside the schema. Migrations are applied at start-up by
// internal/database (see README, "Prisma without a network"), not by this CLI.
import { defineConfig } from 'prisma/config';
import { PrismaPg } from '@prisma/adapter-pg';

export default defineConfig({
  engine: 'js',
  schema: process.env.PRISMA_SCHEMA,
  experimental: { adapter: true },
  async adapter() {
    return new PrismaPg({
      connectionString:
        process.env.PRISMA_CLI_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres',
    });
  },
});
