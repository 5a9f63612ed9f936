import { randomUUID } from 'node:crypto';
import pg from 'pg';
import {
  createLivePubSub,
  feedLive,
  liveTopics,
  PostgresLivePubSub,
  RedisLivePubSub,
  type LivePayload,
  type LivePubSub,
  type LiveSubscription,
} from '@shop/events';
import { createLogger } from '@shop/platform';
import {
  envelopeOf,
  eventually,
  queryTestDatabase,
  TEST_REDIS_URL,
  testEventsSettings,
  type TestEventsSettings,
} from '@shop/testing';
import { TRANSPORTS, type Transport } from './transports';

const log = createLogger('live-pubsub-test', 'silent');

const stockChanged = (productId: string, available: number) =>
  envelopeOf('inventory.events', 'StockChanged', productId, {
    productId,
    available,
    inStock: available > 0,
    lowStockThreshold: 5,
  });

/** The next message, or a failure after `timeoutMs`. */
async function nextOf<T>(subscription: LiveSubscription<T>, timeoutMs = 5_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error('no message in time')), timeoutMs);
  });
  try {
    const step = await Promise.race([subscription.next(), timeout]);
    if (step.done) throw new Error('the subscription ended');
    return step.value;
  } finally {
    clearTimeout(timer);
  }
}

/** Whether a message arrives within `ms`; the pending read is abandoned by the caller's return(). */
async function receivesWithin<T>(subscription: LiveSubscription<T>, ms: number): Promise<boolean> {
  const pending = subscription.next().then((step) => !step.done);
  return Promise.race([pending, new Promise<boolean>((resolve) => setTimeout(resolve, ms, false))]);
}

describe.each(TRANSPORTS)('live pub/sub over %s', (_name, transportOf) => {
  let transport: Transport;
  const opened: LivePubSub[] = [];
  const open = (options?: { queueLimit?: number }) => {
    const pubSub = transport.pubSub(options);
    opened.push(pubSub);
    return pubSub;
  };
  const subscribersOf = (topic: Parameters<Transport['listening']>[1]) =>
    transport.listening(opened, topic);

  beforeEach(async () => {
    transport = await transportOf();
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((pubSub) => pubSub.close()));
    await transport.cleanUp();
  });

  it('delivers a message published by one instance to the subscribers of every instance', async () => {
    const [publisher, other] = [open(), open()];
    const productId = randomUUID();
    const topic = liveTopics.inventoryChanged(productId);
    const here = await publisher.subscribe(topic);
    const there = await other.subscribe(topic);
    const elsewhere = await other.subscribe(liveTopics.inventoryChanged(randomUUID()));

    const event = stockChanged(productId, 3);
    await publisher.publish(topic, event);

    await expect(nextOf(here)).resolves.toEqual(event);
    await expect(nextOf(there)).resolves.toEqual(event);
    expect(await receivesWithin(elsewhere, 200)).toBe(false);
  });

  it('listens to a topic once per process, until its last local subscriber leaves', async () => {
    const [pubSub, other] = [open(), open()];
    const topic = liveTopics.priceChanged(randomUUID());
    const first = await pubSub.subscribe(topic);
    const second = await pubSub.subscribe(topic);
    expect(await subscribersOf(topic)).toBe(1);
    const third = await other.subscribe(topic);
    expect(await subscribersOf(topic)).toBe(2);

    await first.return();
    // Still listened to here: the second subscriber keeps the channel.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await subscribersOf(topic)).toBe(2);
    const event = envelopeOf('products.events', 'ProductPriceChanged', randomUUID(), {
      productId: randomUUID(),
      name: 'Probe',
      slug: 'probe',
      description: 'A probe',
      categoryId: randomUUID(),
      categoryName: 'Probes',
      price: { amount: 200, currency: 'USD' },
      previousPrice: { amount: 100, currency: 'USD' },
    });
    await other.publish(topic, event);
    await expect(nextOf(second)).resolves.toEqual(event);
    await expect(first.next()).resolves.toEqual({ value: undefined, done: true });

    await second.return();
    await eventually(async () => expect(await subscribersOf(topic)).toBe(1));
    await third.return();
    await eventually(async () => expect(await subscribersOf(topic)).toBe(0));
  });

  it('drops the oldest messages of a subscriber that falls behind, and keeps the newest', async () => {
    const pubSub = open({ queueLimit: 3 });
    const productId = randomUUID();
    const topic = liveTopics.inventoryChanged(productId);
    const slow = await pubSub.subscribe(topic);
    const markerTopic = liveTopics.lowStockAlert();
    const marker = await pubSub.subscribe(markerTopic);
    const events = [1, 2, 3, 4, 5, 6].map((available) => stockChanged(productId, available));
    for (const event of events) await pubSub.publish(topic, event);
    // One publisher's messages arrive in the order published (one connection either way).
    const low = envelopeOf('inventory.events', 'LowStock', productId, {
      productId,
      available: 6,
      threshold: 7,
    });
    await pubSub.publish(markerTopic, low);
    await expect(nextOf(marker)).resolves.toEqual(low);

    const read: LivePayload<'inventoryChanged'>[] = [];
    for (let index = 0; index < 3; index++) read.push(await nextOf(slow));
    expect(read).toEqual(events.slice(3));
    expect(await receivesWithin(slow, 200)).toBe(false);
  });

  it('ends a pending read when the subscriber leaves, and every subscription when closed', async () => {
    const pubSub = open();
    const topic = liveTopics.lowStockAlert();
    const leaving = await pubSub.subscribe(topic);
    const pending = leaving.next();
    await leaving.return();
    await expect(pending).resolves.toEqual({ value: undefined, done: true });

    const staying = await pubSub.subscribe(topic);
    const waiting = staying.next();
    await pubSub.close();
    await expect(waiting).resolves.toEqual({ value: undefined, done: true });
    await expect(pubSub.subscribe(topic)).rejects.toThrow('closed');
  });

  it('publishes the routed events that come after the feed started', async () => {
    const bus = transport.bus();
    const pubSub = open();
    const productId = randomUUID();
    const topic = liveTopics.inventoryChanged(productId);
    // Published before the feed's group existed: history, not news.
    await bus.publish('inventory.events', [stockChanged(productId, 1)]);
    const feed = feedLive({
      bus,
      stream: 'inventory.events',
      group: 'inventory-live',
      pubSub,
      log,
      routes: {
        StockChanged: (event, live) =>
          live.publish(liveTopics.inventoryChanged(event.data.productId), event),
      },
    });
    try {
      const subscription = await pubSub.subscribe(topic);
      await eventually(async () =>
        expect(await transport.hasGroup('inventory.events', 'inventory-live')).toBe(true),
      );
      const low = envelopeOf('inventory.events', 'LowStock', productId, {
        productId,
        available: 2,
        threshold: 5,
      });
      const news = stockChanged(productId, 2);
      await bus.publish('inventory.events', [low, news]);

      await expect(nextOf(subscription)).resolves.toEqual(news);
      expect(await receivesWithin(subscription, 300)).toBe(false);
    } finally {
      await feed.stop();
      await bus.close();
    }
  });
});

describe('live pub/sub over PostgreSQL: its own limits', () => {
  let settings: TestEventsSettings;
  const opened: LivePubSub[] = [];
  const open = () => {
    const pubSub = new PostgresLivePubSub(settings.eventsDatabaseUrl, log, settings.streamPrefix);
    opened.push(pubSub);
    return pubSub;
  };
  /** The sessions listening for the pub/subs of this database now. */
  const listeners = async () =>
    (
      await queryTestDatabase<{ pid: number }>(
        settings.eventsDatabaseUrl,
        `SELECT pid FROM pg_stat_activity
          WHERE datname = current_database() AND application_name = 'shop-events-listener'`,
      )
    ).map((row) => row.pid);

  beforeAll(async () => {
    settings = await testEventsSettings();
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((pubSub) => pubSub.close()));
  });

  it("refuses a message beyond NOTIFY's limit with a clear error, and carries one just within it", async () => {
    const pubSub = open();
    const topic = liveTopics.entityChanged();
    const subscription = await pubSub.subscribe(topic);
    // An id that makes the message, topic and all, exactly `bytes` long.
    const sized = (bytes: number) => {
      const bare = JSON.stringify({ topic, payload: { typename: 'Product', id: '' } });
      return { typename: 'Product', id: 'x'.repeat(bytes - Buffer.byteLength(bare)) };
    };

    await expect(pubSub.publish(topic, sized(8_000))).rejects.toThrow(
      `Live message on "${topic}" is 8000 bytes: PostgreSQL NOTIFY carries under 8000`,
    );
    const largest = sized(7_999);
    await pubSub.publish(topic, largest);
    await expect(nextOf(subscription)).resolves.toEqual(largest);
  });

  it('notifies what is published at once in one statement, each message in its order', async () => {
    const publisher = open();
    const pubSub = open();
    const topic = liveTopics.lowStockAlert();
    const subscription = await pubSub.subscribe(topic);
    const alerts = Array.from({ length: 10 }, (_, available) =>
      envelopeOf('inventory.events', 'LowStock', randomUUID(), {
        productId: randomUUID(),
        available,
        threshold: 10,
      }),
    );
    const sent = jest.spyOn(pg.Client.prototype, 'query');
    try {
      await Promise.all(alerts.map((alert) => publisher.publish(topic, alert)));
      const notifying = sent.mock.calls.filter(([query]) =>
        String(typeof query === 'string' ? query : (query as { text?: string }).text).includes(
          'pg_notify',
        ),
      );
      expect(notifying).toHaveLength(1);
    } finally {
      sent.mockRestore();
    }
    for (const alert of alerts) await expect(nextOf(subscription)).resolves.toEqual(alert);
    // And one published after them goes on its own.
    await publisher.publish(topic, alerts[0]!);
    await expect(nextOf(subscription)).resolves.toEqual(alerts[0]);
  });

  it('listens again after its connection is lost', async () => {
    const publisher = open();
    const pubSub = open();
    const before = new Set(await listeners());
    const topic = liveTopics.lowStockAlert();
    const subscription = await pubSub.subscribe(topic);
    const [listener] = (await listeners()).filter((pid) => !before.has(pid));
    await queryTestDatabase(settings.eventsDatabaseUrl, 'SELECT pg_terminate_backend($1)', [
      listener,
    ]);

    // What is published while it reconnects is lost, as pub/sub promises: publish until heard.
    const event = envelopeOf('inventory.events', 'LowStock', randomUUID(), {
      productId: randomUUID(),
      available: 1,
      threshold: 5,
    });
    let heard = false;
    const arrived = subscription.next().then((step) => {
      heard = true;
      return step;
    });
    await eventually(async () => {
      if (!heard) await publisher.publish(topic, event);
      expect(heard).toBe(true);
    }, 15_000);
    await expect(arrived).resolves.toEqual({ value: event, done: false });
    expect(await listeners()).not.toContain(listener);
  });
});

describe('choosing the live transport', () => {
  it('takes Redis with REDIS_URL, PostgreSQL with EVENTS_DATABASE_URL, and refuses to start without either', async () => {
    const { eventsDatabaseUrl, streamPrefix } = await testEventsSettings();
    const overRedis = createLivePubSub(
      { redisUrl: TEST_REDIS_URL, eventsDatabaseUrl, streamPrefix },
      log,
    );
    const overPostgres = createLivePubSub({ eventsDatabaseUrl, streamPrefix }, log);
    expect(overRedis).toBeInstanceOf(RedisLivePubSub);
    expect(overPostgres).toBeInstanceOf(PostgresLivePubSub);
    await Promise.all([overRedis.close(), overPostgres.close()]);
    expect(() => createLivePubSub({ streamPrefix }, log)).toThrow(
      new Error(
        'No event transport: set REDIS_URL (Redis Streams) or EVENTS_DATABASE_URL (PostgreSQL)',
      ),
    );
  });
});
