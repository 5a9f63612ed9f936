import {
  connectPrismaDatabase,
  migrationsDirOf,
  rawSqlKit,
  type PrismaDatabase,
  type TransactionOptions,
} from '@shop/database';
import type { Outbox } from '@shop/events';
import { Prisma, PrismaClient, type $Enums } from '../generated/prisma';

export { Prisma, PrismaClient } from '../generated/prisma';
export type * from '../generated/prisma';

export const MIGRATIONS_DIR = migrationsDirOf('payments');

export type Database = PrismaDatabase<PrismaClient>;

/** Where this subgraph's events go: payments.events. */
export const PAYMENTS_STREAM = 'payments.events';
export type PaymentOutbox = Outbox<typeof PAYMENTS_STREAM>;

export function connectDatabase(databaseUrl: string, poolSize: number): Database {
  return connectPrismaDatabase(PrismaClient, databaseUrl, poolSize);
}

/**
 * For the transactions that authorize, capture, void and refund. They call the processor
 * inside (its idempotency key makes a call repeated after a rollback settle
 * once) and rely on READ COMMITTED, which every connection starts with
 * (@shop/database's adapter pins it): a statement that waited for a lock or
 * a unique index sees what the other transaction committed.
 */
export const PAYMENT_TRANSACTION = {
  maxWait: 10_000,
  timeout: 15_000,
} as const;

/** The same bound for those run on the SqlClient (the charge's, the expiry sweep's). */
export const PAYMENT_SQL_TRANSACTION = {
  idleTimeoutMs: PAYMENT_TRANSACTION.timeout,
} as const satisfies TransactionOptions;

/** `tableOf(db, 'Model')`, `tableNameOf` and `SQL_NOW` for this subgraph's raw statements. */
export const { tableOf, tableNameOf, SQL_NOW, enumNameOf, enumOf, timestampOf } = rawSqlKit<
  Prisma.Sql,
  Prisma.ModelName,
  keyof typeof $Enums
>(Prisma);
