import { PrismaPg } from '@prisma/adapter-pg';
import { parseDatabaseUrl } from './database-url';

export interface AdapterOptions {
  /** Connections this process may hold open to the database. */
  poolSize: number;
}

/**
 * The driver adapter a subgraph's PrismaClient runs on. Prisma qualifies every
 * table with the adapter's schema, so subgraphs sharing one server (the
 * embedded mode) never see each other's tables.
 */
export function createPrismaAdapter(databaseUrl: string, options: AdapterOptions): PrismaPg {
  const { connectionString, schema } = parseDatabaseUrl(databaseUrl);
  return new PrismaPg(
    { connectionString, max: options.poolSize, idleTimeoutMillis: 30_000 },
    { schema },
  );
}
