import { isUuid } from '@shop/federation';
import type { Database } from '../db';
import type { User } from './user.type';

/** What a User is read with; never the password hash. */
export const userColumns = {
  id: true,
  email: true,
  name: true,
  role: true,
  createdAt: true,
} as const;

export class UserService {
  constructor(private readonly db: Database) {}

  byIds(ids: readonly string[]): Promise<User[]> {
    return this.db.prisma.user.findMany({
      select: userColumns,
      where: { id: { in: ids.filter(isUuid) } },
    });
  }
}
