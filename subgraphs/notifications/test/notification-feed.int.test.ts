import { randomUUID } from 'node:crypto';
import { afterStatement, prepareTestDatabase, queryTestDatabase } from '@shop/testing';
import { connectDatabase, type Database } from '../src/db';
import { NotificationService } from '../src/notification/notification.service';

describe('the in-app feed (real PostgreSQL)', () => {
  let databaseUrl: string;
  let db: Database;

  beforeAll(async () => {
    databaseUrl = await prepareTestDatabase('notifications');
    db = connectDatabase(databaseUrl, 2);
  });
  afterAll(() => db.disconnect());

  const insertNotification = (userId: string) =>
    queryTestDatabase(
      databaseUrl,
      `INSERT INTO "Notification" (id, "userId", kind, "eventId", template, "subjectId", title, body,
                                   "inFeed", "occurredAt")
       VALUES ($1, $2, 'ORDER_CONFIRMED', $3, 'order-confirmed@2', $4, 'Your order', 'Thank you',
               true, now())`,
      [randomUUID(), userId, randomUUID(), randomUUID()],
    );

  it('counts what it lists: a notification committed while the page is read is in neither or both', async () => {
    const userId = randomUUID();
    await insertNotification(userId);
    // The page's rows come first; the second notification commits before the counts are read.
    const restore = afterStatement(/SELECT[\s\S]*"Notification"[\s\S]*ORDER BY/, () =>
      insertNotification(userId),
    );
    let feed;
    try {
      feed = await new NotificationService(db).feedOf(userId, 20, undefined);
    } finally {
      restore();
    }
    expect(feed.edges).toHaveLength(1);
    expect(feed.totalCount).toBe(1);
    expect(feed.unreadCount).toBe(1);

    const after = await new NotificationService(db).feedOf(userId, 20, undefined);
    expect([after.edges.length, after.totalCount, after.unreadCount]).toEqual([2, 2, 2]);
  });
});
