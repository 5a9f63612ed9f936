import { connectPrismaDatabase, migrationsDirOf, type PrismaDatabase } from '@shop/database';
import { PrismaClient } from '../generated/prisma';

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
