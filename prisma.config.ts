// Prisma CLI configuration for `prisma generate` (Prisma 7). The schema is
// chosen by PRISMA_SCHEMA (scripts/prisma-cli.mjs sets it to
// prisma/<subgraph>/schema.prisma). Migrations are applied at start-up by
// internal/database, not by this CLI, and written with `migrate diff` on
// Prisma 6.19's WebAssembly engine (prisma/migrate-diff.config.ts; see
// docs/prisma.md).
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: process.env.PRISMA_SCHEMA,
});
