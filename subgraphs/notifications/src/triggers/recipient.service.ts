import type { EventDataOf } from '@shop/events';
import type { Prisma } from '../db';

/**
 * The projection of users.events: who may be written to. An e-mail address
 * or role changes only through a new UserRegistered today; the upsert takes
 * whichever arrives last, which for one user is the newest.
 */
export class RecipientService {
  async apply(
    tx: Prisma.TransactionClient,
    user: EventDataOf<'users.events', 'UserRegistered'>,
  ): Promise<void> {
    const data = { email: user.email, name: user.name, role: user.role };
    await tx.recipient.upsert({
      where: { userId: user.userId },
      create: { userId: user.userId, ...data },
      update: data,
    });
  }

  /** Every ADMIN, for alerts about the store (low stock). */
  async adminIds(tx: Prisma.TransactionClient): Promise<string[]> {
    const rows = await tx.recipient.findMany({
      select: { userId: true },
      where: { role: 'ADMIN' },
    });
    return rows.map((row) => row.userId);
  }
}
