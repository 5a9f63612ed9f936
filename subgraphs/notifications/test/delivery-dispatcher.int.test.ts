import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { databaseTraffic } from '@shop/database';
import { createLogger } from '@shop/platform';
import { eventually, prepareTestDatabase, queryTestDatabase } from '@shop/testing';
import { connectDatabase, type Database } from '../src/db';
import { DeliveryFailure, type DeliveryChannel } from '../src/delivery/channel';
import { DeliveryDispatcher } from '../src/delivery/delivery-dispatcher';
import { DeliveryMetrics } from '../src/delivery/delivery.metrics';
import { LoggingChannel } from '../src/delivery/logging-channel';
import { MailboxChannel } from '../src/delivery/mailbox-channel';

interface DeliveryRow {
  id: string;
  status: string;
  attempts: number;
  address: string | null;
  lastError: string | null;
  retryLater: boolean;
  log: string[];
}

/** Channels that must not be reached in these tests: a send through one fails the test. */
const unused: DeliveryChannel = {
  send: () => Promise.reject(new Error('no delivery of this channel was made')),
};

/**
 * The dispatcher on a real database and a real mailbox folder: deliveries
 * made as the triggers make them (a notification, a row per channel), sent
 * by `DeliveryDispatcher` alone.
 */
describe('notification deliveries, sent in batches (real PostgreSQL)', () => {
  let databaseUrl: string;
  let db: Database;
  let mailbox: string;
  const log = createLogger('notifications', 'silent');

  beforeAll(async () => {
    databaseUrl = await prepareTestDatabase('notifications');
    db = connectDatabase(databaseUrl, 2);
    mailbox = mkdtempSync(path.join(tmpdir(), 'dispatcher-mailbox-'));
  });
  afterAll(async () => {
    await db.prisma.$disconnect();
    rmSync(mailbox, { recursive: true, force: true });
  });

  const dispatcher = (sms: DeliveryChannel = new LoggingChannel('SMS', log)) =>
    new DeliveryDispatcher(
      db,
      {
        EMAIL: new MailboxChannel(mailbox, 'Shop <shop@example.test>'),
        SMS: sms,
        IN_APP: unused,
        PUSH: unused,
      },
      // No poll within a test: each pass is the one `start` runs; no retry comes due in one.
      { retryBaseMs: 60_000, maxAttempts: 3, pollMs: 600_000 },
      new DeliveryMetrics(undefined),
      log,
    );

  /** A notification for a new user with one delivery per channel; the user's address if given. */
  async function notificationFor(
    email: string | undefined,
    channels: ('EMAIL' | 'SMS')[],
  ): Promise<string[]> {
    const userId = randomUUID();
    if (email) {
      await db.prisma.recipient.create({ data: { userId, email, name: 'Buyer', role: 'USER' } });
    }
    const notification = await db.prisma.notification.create({
      data: {
        userId,
        kind: 'ORDER_CONFIRMED',
        eventId: randomUUID(),
        template: 'order-confirmed@2',
        subjectId: randomUUID(),
        title: 'Your order',
        body: 'Thank you',
        inFeed: true,
        occurredAt: new Date(),
        deliveries: {
          create: channels.map((channel) => ({
            channel,
            subject: 'Your order',
            text: 'Thank you',
            html: '<p>Thank you</p>',
            messageId: `<${randomUUID()}@shop.example.test>`,
          })),
        },
      },
      select: { deliveries: { select: { id: true } } },
    });
    return notification.deliveries.map(({ id }) => id);
  }

  const deliveriesOf = (ids: string[]) =>
    queryTestDatabase<DeliveryRow>(
      databaseUrl,
      `SELECT d.id::text, d.status::text, d.attempts, d.address, d."lastError",
              d."nextAttemptAt" > now() AT TIME ZONE 'UTC' + interval '30 seconds' AS "retryLater",
              ARRAY(SELECT a.outcome::text FROM "DeliveryAttempt" a
                     WHERE a."deliveryId" = d.id ORDER BY a.attempt) AS log
         FROM "Delivery" d WHERE d.id = ANY($1::uuid[]) ORDER BY d.id`,
      [ids],
    );

  it('sends a burst of deliveries each once, recording every outcome, in a few statements', async () => {
    const sent = (
      await Promise.all(
        Array.from({ length: 20 }, (_, index) =>
          notificationFor(`buyer${index}@example.test`, ['EMAIL', 'SMS']),
        ),
      )
    ).flat();
    // Whose UserRegistered has not arrived: e-mail fails for now and is tried again later.
    const waiting = (
      await Promise.all(Array.from({ length: 3 }, () => notificationFor(undefined, ['EMAIL'])))
    ).flat();

    const statementsBefore = databaseTraffic.statements;
    const running = dispatcher().start();
    try {
      await eventually(async () => {
        const rows = await deliveriesOf([...sent, ...waiting]);
        expect(rows.every((row) => row.attempts === 1)).toBe(true);
      });
    } finally {
      await running.stop();
    }
    const statements = databaseTraffic.statements - statementsBefore;

    const rows = await deliveriesOf(sent);
    expect(rows).toHaveLength(40);
    for (const row of rows) {
      expect(row).toMatchObject({ status: 'SENT', attempts: 1, lastError: null, log: ['SENT'] });
      expect(row.address).toBeTruthy();
    }
    expect(readdirSync(mailbox).filter((name) => name.endsWith('.eml'))).toHaveLength(20);
    for (const row of await deliveriesOf(waiting)) {
      expect(row).toMatchObject({
        status: 'PENDING',
        attempts: 1,
        retryLater: true,
        log: ['RETRY'],
      });
      expect(row.lastError).toMatch(/No e-mail address/);
    }
    // 43 deliveries: one claim and one record per batch of 16 (and the empty claim that ends
    // the pass). One at a time, each was a claim and a record of its own: 87.
    expect(statements).toBeLessThanOrEqual(2 * Math.ceil(43 / 16) + 1);
  });

  it('gives up on a delivery that fails for good, and sends the rest of its batch', async () => {
    const [refused] = await notificationFor('refused@example.test', ['SMS']);
    const [accepted] = await notificationFor('accepted@example.test', ['EMAIL']);
    const running = dispatcher({
      send: () => Promise.reject(new DeliveryFailure('number unreachable', false)),
    }).start();
    try {
      await eventually(async () => {
        const rows = await deliveriesOf([refused!, accepted!]);
        expect(rows.map((row) => row.attempts)).toEqual([1, 1]);
      });
    } finally {
      await running.stop();
    }
    const byId = new Map((await deliveriesOf([refused!, accepted!])).map((row) => [row.id, row]));
    expect(byId.get(accepted!)).toMatchObject({ status: 'SENT', log: ['SENT'] });
    expect(byId.get(refused!)).toMatchObject({
      status: 'FAILED',
      log: ['FAILED'],
      lastError: 'number unreachable',
      retryLater: false,
    });
  });
});
