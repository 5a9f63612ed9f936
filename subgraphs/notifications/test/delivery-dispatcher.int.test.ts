import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { databaseTraffic } from '@shop/database';
import type { Stoppable } from '@shop/federation';
import { createLogger } from '@shop/platform';
import { eventually, prepareTestDatabase, queryTestDatabase } from '@shop/testing';
import { connectDatabase, type Database } from '../src/db';
import type { DeliverySettings } from '../src/config';
import {
  DeliveryFailure,
  type DeliveryChannel,
  type OutgoingMessage,
} from '../src/delivery/channel';
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
  messageId: string;
  retryLater: boolean;
  log: string[];
}

/** Channels that must not be reached in these tests: a send through one fails the test. */
const unused: DeliveryChannel = {
  send: () => Promise.reject(new Error('no delivery of this channel was made')),
};

/**
 * A channel that takes each message and answers only when the test says
 * (a failure, or nothing: sent): a sender caught between sending and
 * recording, as one that dies there or overruns its lease is.
 */
function heldChannel() {
  const taken: OutgoingMessage[] = [];
  let answer!: (failure?: Error) => void;
  const answered = new Promise<Error | undefined>((resolve) => {
    answer = resolve;
  });
  const channel: DeliveryChannel = {
    send: async (message) => {
      taken.push(message);
      const failure = await answered;
      if (failure) throw failure;
    },
  };
  return { channel, taken, answer };
}

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
    await db.disconnect();
    rmSync(mailbox, { recursive: true, force: true });
  });

  const dispatcher = (
    sms: DeliveryChannel = new LoggingChannel('SMS', log),
    settings: Partial<DeliverySettings> = {},
  ) =>
    new DeliveryDispatcher(
      db,
      {
        EMAIL: new MailboxChannel(mailbox, 'Shop <shop@example.test>'),
        SMS: sms,
        IN_APP: unused,
        PUSH: unused,
      },
      // Unless a test says otherwise: no poll (each pass is the one `start` runs), no retry
      // coming due and no lease passing within a test.
      { retryBaseMs: 60_000, maxAttempts: 3, pollMs: 600_000, leaseMs: 600_000, ...settings },
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
      `SELECT d.id::text, d.status::text, d.attempts, d.address, d."lastError", d."messageId",
              d."nextAttemptAt" > now() AT TIME ZONE 'UTC' + interval '30 seconds' AS "retryLater",
              ARRAY(SELECT a.outcome::text FROM "DeliveryAttempt" a
                     WHERE a."deliveryId" = d.id ORDER BY a.attempt) AS log
         FROM "Delivery" d WHERE d.id = ANY($1::uuid[]) ORDER BY d.id`,
      [ids],
    );

  it('sends a burst of deliveries each once, recording every outcome, in a few round trips', async () => {
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

    const roundTripsBefore = databaseTraffic.roundTrips;
    const running = dispatcher().start();
    try {
      await eventually(async () => {
        const rows = await deliveriesOf([...sent, ...waiting]);
        expect(rows.every((row) => row.attempts === 1)).toBe(true);
      });
    } finally {
      await running.stop();
    }
    const roundTrips = databaseTraffic.roundTrips - roundTripsBefore;

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
    // 43 deliveries: one claim and one record per batch of 16, the short third ending the pass,
    // and no BEGIN or COMMIT. In a transaction per batch they were 12; one at a time, 174.
    expect(roundTrips).toBe(2 * Math.ceil(43 / 16));
  });

  it('looks for due deliveries in one round trip when none is due', async () => {
    const roundTripsBefore = databaseTraffic.roundTrips;
    const running = dispatcher().start();
    try {
      await eventually(() => expect(databaseTraffic.roundTrips).toBeGreaterThan(roundTripsBefore));
    } finally {
      await running.stop();
    }
    expect(databaseTraffic.roundTrips - roundTripsBefore).toBe(1);
  });

  it('never sends a delivery twice when two dispatchers race for the same due ones', async () => {
    const ids = (
      await Promise.all(
        Array.from({ length: 48 }, (_, index) =>
          notificationFor(`racer${index}@example.test`, ['SMS']),
        ),
      )
    ).flat();
    /** SMS that takes a while, so each dispatcher claims while the other sends. */
    const slowSms = (sent: string[]): DeliveryChannel => ({
      send: async ({ deliveryId }) => {
        sent.push(deliveryId);
        await new Promise((resolve) => setTimeout(resolve, 20));
      },
    });
    const sentByFirst: string[] = [];
    const sentBySecond: string[] = [];
    const first = dispatcher(slowSms(sentByFirst)).start();
    const second = dispatcher(slowSms(sentBySecond)).start();
    try {
      await eventually(async () => {
        const rows = await deliveriesOf(ids);
        expect(rows.every((row) => row.attempts === 1)).toBe(true);
      });
    } finally {
      await Promise.all([first.stop(), second.stop()]);
    }
    expect(sentByFirst.length).toBeGreaterThan(0);
    expect(sentBySecond.length).toBeGreaterThan(0);
    expect([...sentByFirst, ...sentBySecond].sort()).toEqual([...ids].sort());
    for (const row of await deliveriesOf(ids)) {
      expect(row).toMatchObject({ status: 'SENT', attempts: 1, log: ['SENT'] });
    }
  });

  it('sends a delivery again, with its Message-ID, once the lease of a sender that never recorded it passes', async () => {
    const [id] = await notificationFor('crashed@example.test', ['SMS']);
    // Sent, then never recorded: as a process that died there leaves it.
    const crashed = heldChannel();
    const first = dispatcher(crashed.channel, { leaseMs: 300 }).start();
    const resent = heldChannel();
    resent.answer();
    let second: Stoppable | undefined;
    try {
      await eventually(() => expect(crashed.taken).toHaveLength(1));
      second = dispatcher(resent.channel, { pollMs: 50 }).start();
      await eventually(async () => {
        const [row] = await deliveriesOf([id!]);
        expect(row).toMatchObject({ status: 'SENT', attempts: 1, log: ['SENT'] });
      });
    } finally {
      await second?.stop();
      // The first sender's record, long after its lease: the delivery is someone else's now.
      crashed.answer();
      await first.stop();
    }
    const [row] = await deliveriesOf([id!]);
    expect(resent.taken).toHaveLength(1);
    expect(crashed.taken[0]!.messageId).toBe(row!.messageId);
    expect(resent.taken[0]!.messageId).toBe(row!.messageId);
    expect(row).toMatchObject({ status: 'SENT', attempts: 1, log: ['SENT'] });
  });

  it('keeps a newer attempt when a sender that overran its lease records late', async () => {
    const [id] = await notificationFor('overran@example.test', ['SMS']);
    const late = heldChannel();
    const first = dispatcher(late.channel, { leaseMs: 300 }).start();
    const newer = heldChannel();
    let second: Stoppable | undefined;
    try {
      await eventually(() => expect(late.taken).toHaveLength(1));
      second = dispatcher(newer.channel, { pollMs: 50 }).start();
      await eventually(() => expect(newer.taken).toHaveLength(1));

      // The overrun sender's success arrives while the second one holds the delivery.
      late.answer();
      await first.stop();
      const [meanwhile] = await deliveriesOf([id!]);
      expect(meanwhile).toMatchObject({ status: 'PENDING', attempts: 0, log: [] });

      newer.answer(new DeliveryFailure('mailbox busy', true));
    } finally {
      late.answer();
      newer.answer();
      await Promise.all([first.stop(), second?.stop()]);
    }
    const [row] = await deliveriesOf([id!]);
    expect(row).toMatchObject({
      status: 'PENDING',
      attempts: 1,
      lastError: 'mailbox busy',
      retryLater: true,
      log: ['RETRY'],
    });
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
