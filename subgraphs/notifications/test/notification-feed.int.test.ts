import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { prepareTestDatabase, queryTestDatabase } from '@shop/testing';
import { connectDatabase, type Database } from '../src/db';
import { NotificationService } from '../src/notification/notification.service';

/**
 * Runs `meanwhile` once, right after the first statement whose text matches
 * `pattern` has answered and before its answer goes back to the caller: a
 * commit landing between two statements of one request, every time.
 */
function afterStatement(pattern: RegExp, meanwhile: () => Promise<unknown>): () => void {
  const original = pg.Client.prototype.query as (...args: unknown[]) => unknown;
  let done = false;
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    const first = args[0] as string | { text?: string };
    const text = typeof first === 'string' ? first : (first?.text ?? '');
    if (done || !pattern.test(text)) return original.apply(this, args);
    done = true;
    const callback = args.at(-1);
    // Prisma's adapter passes a callback, or awaits the answer in a transaction.
    if (typeof callback !== 'function') {
      return (original.apply(this, args) as Promise<unknown>).then(async (result) => {
        await meanwhile();
        return result;
      });
    }
    const answer = (...results: unknown[]) =>
      void meanwhile().then(
        () => callback(...results),
        (error: unknown) => callback(error),
      );
    return original.apply(this, [...args.slice(0, -1), answer]);
  } as typeof pg.Client.prototype.query;
  return () => {
    pg.Client.prototype.query = original as typeof pg.Client.prototype.query;
  };
}

describe('the in-app feed (real PostgreSQL)', () => {
  let databaseUrl: string;
  let db: Database;

  beforeAll(async () => {
    databaseUrl = await prepareTestDatabase('notifications');
    db = connectDatabase(databaseUrl, 2);
  });
  afterAll(() => db.prisma.$disconnect());

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
