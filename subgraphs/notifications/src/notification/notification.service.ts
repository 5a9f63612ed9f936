import {
  assertPageSize,
  decodeCursor,
  encodeCursor,
  isUuid,
  toConnection,
  type Connection,
} from '@shop/federation';
import { NotFoundError } from '@shop/platform';
import { Prisma, type Database } from '../db';
import type { Notification } from './notification.type';

export const notificationColumns = {
  id: true,
  userId: true,
  kind: true,
  title: true,
  body: true,
  subjectId: true,
  createdAt: true,
  readAt: true,
} as const;

/** The in-app feed: the notifications shown in it (`inFeed`), newest first. */
export class NotificationService {
  constructor(private readonly db: Database) {}

  async feedOf(
    userId: string,
    first: number,
    after: string | undefined,
  ): Promise<Connection<Notification> & { unreadCount: number }> {
    assertPageSize(first);
    const { prisma } = this.db;
    const mine = { userId, inFeed: true };
    const position = after ? decodeCursor(after) : undefined;
    const [createdAt, id] = position ?? [];
    // One snapshot for the page and its counts: read apart, a notification committed between
    // them was counted but not listed (a feed of totalCount 1 and no edge; seen in CI).
    const [rows, totalCount, unreadCount] = await prisma.$transaction(
      [
        prisma.notification.findMany({
          select: notificationColumns,
          where:
            position === undefined
              ? mine
              : {
                  ...mine,
                  OR: [
                    { createdAt: { lt: new Date(String(createdAt)) } },
                    { createdAt: new Date(String(createdAt)), id: { lt: String(id) } },
                  ],
                },
          orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
          take: first + 1,
        }),
        prisma.notification.count({ where: mine }),
        prisma.notification.count({ where: { ...mine, readAt: null } }),
      ],
      { isolationLevel: Prisma.TransactionIsolationLevel.RepeatableRead },
    );
    const connection = toConnection(
      rows,
      first,
      totalCount,
      after !== undefined,
      (row) => encodeCursor([row.createdAt.toISOString(), row.id]),
      (row) => row as Notification,
    );
    return { ...connection, unreadCount };
  }

  /** One notification of the user's feed; NOT_FOUND for anyone else's, as for an unknown id. */
  async ownById(userId: string, id: string): Promise<Notification> {
    const row = isUuid(id)
      ? await this.db.prisma.notification.findFirst({
          select: notificationColumns,
          where: { id, inFeed: true },
        })
      : null;
    if (!row || row.userId !== userId) {
      throw new NotFoundError('Notification not found');
    }
    return row;
  }

  /**
   * Marks the given notifications of the user read (all of them without ids);
   * answers how many were unread. An id that is not the user's is NOT_FOUND,
   * and then none is marked.
   */
  async markRead(userId: string, ids: string[] | undefined): Promise<number> {
    const { prisma } = this.db;
    return prisma.$transaction(async (tx) => {
      if (ids) {
        const wanted = [...new Set(ids)];
        const owned = wanted.every(isUuid)
          ? await tx.notification.count({ where: { id: { in: wanted }, userId, inFeed: true } })
          : -1;
        if (owned !== wanted.length) throw new NotFoundError('Notification not found');
      }
      const { count } = await tx.notification.updateMany({
        where: { userId, inFeed: true, readAt: null, ...(ids ? { id: { in: ids } } : {}) },
        data: { readAt: new Date() },
      });
      return count;
    });
  }
}
