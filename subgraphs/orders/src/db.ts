import {
  connectPrismaDatabase,
  migrationsDirOf,
  rawSqlKit,
  type PrismaDatabase,
} from '@shop/database';
import type { Outbox } from '@shop/events';
import { Prisma, PrismaClient, type $Enums } from '../generated/prisma';

export { Prisma, PrismaClient } from '../generated/prisma';
export type * from '../generated/prisma';

export const MIGRATIONS_DIR = migrationsDirOf('orders');

export type Database = PrismaDatabase<PrismaClient>;

/** Where this subgraph's events go: orders.events. */
export const ORDERS_STREAM = 'orders.events';
export type OrderOutbox = Outbox<typeof ORDERS_STREAM>;

export function connectDatabase(databaseUrl: string, poolSize: number): Database {
  return connectPrismaDatabase(PrismaClient, databaseUrl, poolSize);
}

/** `tableOf(db, 'Model')`, `tableNameOf` and `SQL_NOW` for this subgraph's raw statements. */
export const { tableOf, tableNameOf, SQL_NOW, enumNameOf, timestampOf } = rawSqlKit<
  Prisma.Sql,
  Prisma.ModelName,
  keyof typeof $Enums
>(Prisma);
