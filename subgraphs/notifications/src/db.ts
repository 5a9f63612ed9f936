import {
  connectPrismaDatabase,
  migrationsDirOf,
  rawSqlKit,
  type PrismaDatabase,
} from '@shop/database';
import { Prisma, PrismaClient, type $Enums } from '../generated/prisma';

export {
  AttemptOutcome,
  Channel,
  DeliveryStatus,
  NotificationKind,
  Prisma,
  PrismaClient,
} from '../generated/prisma';
export type * from '../generated/prisma';

export const MIGRATIONS_DIR = migrationsDirOf('notifications');

export type Database = PrismaDatabase<PrismaClient>;

export function connectDatabase(databaseUrl: string, poolSize: number): Database {
  return connectPrismaDatabase(PrismaClient, databaseUrl, poolSize);
}

/** `tableOf(db, 'Model')`, `enumOf(db, 'Enum')` and `SQL_NOW` for this subgraph's raw statements. */
export const { tableOf, enumOf, SQL_NOW, timestampOf } = rawSqlKit<
  Prisma.Sql,
  Prisma.ModelName,
  keyof typeof $Enums
>(Prisma);
