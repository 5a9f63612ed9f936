import {
  connectPrismaDatabase,
  migrationsDirOf,
  rawSqlKit,
  type PrismaDatabase,
} from '@shop/database';
import type { Outbox } from '@shop/events';
import { Prisma, PrismaClient } from '../generated/prisma';

export { Prisma, PrismaClient } from '../generated/prisma';
export type * from '../generated/prisma';

export const MIGRATIONS_DIR = migrationsDirOf('products');

export type Database = PrismaDatabase<PrismaClient>;

/** Where this subgraph's events go: products.events. */
export const PRODUCTS_STREAM = 'products.events';
export type ProductOutbox = Outbox<typeof PRODUCTS_STREAM>;

export function connectDatabase(databaseUrl: string, poolSize: number): Database {
  return connectPrismaDatabase(PrismaClient, databaseUrl, poolSize);
}

/** `tableOf(db, 'Model')` and `SQL_NOW` for this subgraph's raw statements. */
export const { tableOf, SQL_NOW, timestampOf } = rawSqlKit<Prisma.Sql, Prisma.ModelName>(Prisma);
