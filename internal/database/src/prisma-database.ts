import path from 'node:path';
import type { PrismaPg } from '@prisma/adapter-pg';
import { parseDatabaseUrl } from './database-url';
import { createPrismaAdapter, type PoolUse } from './prisma-adapter';
import type { SqlClient } from './sql-client';

/** A subgraph's Prisma client with the PostgreSQL schema it lives in. */
export interface PrismaDatabase<Client> {
  prisma: Client;
  /** For the few raw queries, which must name their tables with it. */
  schema: string;
  /**
   * The hot paths' raw statements, sent by node-postgres on the client's own
   * pool (Prisma's client costs more than such a statement; see sql-client.ts).
   */
  sql: SqlClient;
  /** The client's connection pool, as /metrics shows it. */
  pool: PoolUse;
  /** Disconnects Prisma's client, then closes the pool both it and `sql` use. */
  disconnect(): Promise<void>;
}

/** Connects a subgraph's generated PrismaClient through the pg driver adapter. */
export function connectPrismaDatabase<Client extends { $disconnect(): Promise<void> }>(
  PrismaClient: new (options: { adapter: PrismaPg }) => Client,
  databaseUrl: string,
  poolSize: number,
): PrismaDatabase<Client> {
  const { adapter, sql, pool, end } = createPrismaAdapter(databaseUrl, { poolSize });
  const prisma = new PrismaClient({ adapter });
  return {
    prisma,
    sql,
    async disconnect() {
      await prisma.$disconnect();
      await end();
    },
    schema: parseDatabaseUrl(databaseUrl).schema,
    pool,
  };
}

/** prisma/<subgraph>/migrations, from a subgraph's compiled or source folder. */
export function migrationsDirOf(subgraph: string): string {
  return path.resolve(__dirname, '../../../prisma', subgraph, 'migrations');
}
