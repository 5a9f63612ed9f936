import { Prisma } from '../db';

/**
 * A user's turn in payments, held to the end of the transaction: charges of
 * one user take turns (the fraud rules count every decline and every payment
 * awaiting review), and the settlement of a cancelled order waits for a
 * charge of its buyer in flight, so it finds that payment and gives it back.
 */
export function userTurn(userId: string): Prisma.Sql {
  return Prisma.sql`pg_advisory_xact_lock(hashtextextended(${userId}, 0))`;
}
