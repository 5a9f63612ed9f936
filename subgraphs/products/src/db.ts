import path from 'node:path';
import { createPrismaAdapter, parseDatabaseUrl } from '@shop/database';
import { PrismaClient } from '../generated/prisma';

export { Prisma, PrismaClient } from '../generated/prisma';
export type * from '../generated/prisma';

export const MIGRATIONS_DIR = path.resolve(__dirname, '../../../prisma/products/migrations');

export interface Database {
  prisma: PrismaClient;
  /** The PostgreSQL schema of this subgraph, for the few raw queries. */
  schema: string;
}

export function connectDatabase(databaseUrl: string, poolSize: number): Database {
  const prisma = new PrismaClient({ adapter: createPrismaAdapter(databaseUrl, { poolSize }) });
  return { prisma, schema: parseDatabaseUrl(databaseUrl).schema };
}
