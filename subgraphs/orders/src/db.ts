import { connectPrismaDatabase, migrationsDirOf, type PrismaDatabase } from '@shop/database';
import type { Outbox } from '@shop/events';
import { Prisma, PrismaClient } from '../generated/prisma';

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

/** A table of this subgraph's schema, for the raw statements (atomic upserts, windowed reads). */
export function tableOf(db: Database, name: Prisma.ModelName): Prisma.Sql {
  return Prisma.raw(`"${db.schema}"."${name}"`);
}

/** Now, as Prisma stores DateTime in timestamp columns: UTC, whatever the session's time zone. */
export const SQL_NOW = Prisma.sql`(now() AT TIME ZONE 'UTC')`;
