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

export const MIGRATIONS_DIR = migrationsDirOf('inventory');

export type Database = PrismaDatabase<PrismaClient>;

/** Where this subgraph's events go: inventory.events. */
export const INVENTORY_STREAM = 'inventory.events';
export type InventoryOutbox = Outbox<typeof INVENTORY_STREAM>;

export function connectDatabase(databaseUrl: string, poolSize: number): Database {
  return connectPrismaDatabase(PrismaClient, databaseUrl, poolSize);
}

/**
 * For the transactions that change stock. They rely on READ COMMITTED, which
 * every connection starts with (@shop/database's adapter pins it): a
 * statement that waited for a row lock sees what the other transaction
 * committed. The waits are generous because stock changes of one product
 * queue behind each other's row locks.
 */
export const STOCK_TRANSACTION = {
  maxWait: 10_000,
  timeout: 15_000,
} as const;

/** `tableOf(db, 'Model')`, `tableNameOf`, `SQL_NOW` and `SQL_NOW_TEXT` for this subgraph's raw statements. */
export const { tableOf, tableNameOf, SQL_NOW, SQL_NOW_TEXT, enumNameOf } = rawSqlKit<
  Prisma.Sql,
  Prisma.ModelName,
  keyof typeof $Enums
>(Prisma);
