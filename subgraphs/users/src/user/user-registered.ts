import type { OutboxTransaction } from '@shop/events';
import type { Role, UsersOutbox } from '../db';

/** UserRegistered of a new account, in the transaction that creates it. */
export async function recordRegistered(
  outbox: UsersOutbox,
  tx: OutboxTransaction,
  user: { id: string; email: string; name: string; role: Role },
): Promise<void> {
  await outbox.record(tx, 'UserRegistered', user.id, {
    userId: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
  });
}
