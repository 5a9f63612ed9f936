import type { SqlSession } from '@shop/database';
import type { EventDataOf } from '@shop/events';
import { Prisma, SQL_NOW, tableOf, type Database } from '../db';

/**
 * The projection of users.events: who may be written to. An e-mail address
 * or role changes only through a new UserRegistered today; the upsert takes
 * whichever arrives last, which for one user is the newest.
 */
export class RecipientService {
  private readonly recipients: Prisma.Sql;

  constructor(db: Pick<Database, 'schema'>) {
    this.recipients = tableOf(db, 'Recipient');
  }

  async apply(tx: SqlSession, user: EventDataOf<'users.events', 'UserRegistered'>): Promise<void> {
    await tx.execute(Prisma.sql`
      INSERT INTO ${this.recipients} ("userId", "email", "name", "role", "updatedAt")
      VALUES (${user.userId}::uuid, ${user.email}, ${user.name}, ${user.role}, ${SQL_NOW})
      ON CONFLICT ("userId") DO UPDATE SET
        "email" = EXCLUDED."email", "name" = EXCLUDED."name", "role" = EXCLUDED."role",
        "updatedAt" = EXCLUDED."updatedAt"`);
  }

  /** Every ADMIN, for alerts about the store (low stock). */
  async adminIds(tx: SqlSession): Promise<string[]> {
    const rows = await tx.rows<{ userId: string }>(
      Prisma.sql`SELECT "userId"::text FROM ${this.recipients} WHERE "role" = 'ADMIN'`,
    );
    return rows.map((row) => row.userId);
  }
}
