import { randomUUID } from 'node:crypto';
import {
  createLivePubSub,
  feedLive,
  InProcessEventBus,
  InProcessLivePubSub,
  liveTopics,
  RedisLivePubSub,
  RedisStreamsEventBus,
  type EventBus,
  type LivePayload,
  type LivePubSub,
  type LiveSubscription,
} from '@shop/events';
import { createLogger } from '@shop/platform';
import {
  deleteTestStreams,
  envelopeOf,
  eventually,
  processesListening,
  TEST_REDIS_URL,
  testRedisSettings,
  type TestRedisSettings,
} from '@shop/testing';

const log = createLogger('live-pubsub-test', 'silent');

const stockChanged = (productId: string, available: number) =>
  envelopeOf('inventory.events', 'StockChanged', productId, {
    productId,
    available,
    inStock: available > 0,
    lowStockThreshold: 5,
  });

/** The next message, or a failure after `timeoutMs`. */
async function nextOf<T>(subscription: LiveSubscription<T>, timeoutMs = 3_000): Promise<T> {
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

describe('live pub/sub over Redis', () => {
  let redis: TestRedisSettings;
  const opened: LivePubSub[] = [];
  const open = (options?: { queueLimit?: number }) => {
    const pubSub = new RedisLivePubSub(redis.redisUrl, log, redis.streamPrefix, options);
    opened.push(pubSub);
    return pubSub;
  };
  const subscribersOf = (topic: Parameters<typeof processesListening>[1]) =>
    processesListening(redis, topic);

  beforeEach(() => {
    redis = testRedisSettings();
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((pubSub) => pubSub.close()));
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

  it('keeps one Redis subscription per topic per process, until its last local subscriber leaves', async () => {
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
    // Redis delivers one connection's messages in the order they were published.
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
});

describe('live pub/sub in process', () => {
  it('delivers to the subscribers of the topic only, a copy of what was published', async () => {
    const pubSub = createLivePubSub({}, log);
    expect(pubSub).toBeInstanceOf(InProcessLivePubSub);
    const productId = randomUUID();
    const topic = liveTopics.inventoryChanged(productId);
    const [first, second] = [await pubSub.subscribe(topic), await pubSub.subscribe(topic)];
    const other = await pubSub.subscribe(liveTopics.inventoryChanged(randomUUID()));

    const event = stockChanged(productId, 2);
    await pubSub.publish(topic, event);
    const [a, b] = [await nextOf(first), await nextOf(second)];
    expect(a).toEqual(event);
    expect(b).toEqual(event);
    expect(a).not.toBe(event);
    expect(await receivesWithin(other, 100)).toBe(false);

    await first.return();
    await pubSub.publish(topic, stockChanged(productId, 1));
    await expect(first.next()).resolves.toEqual({ value: undefined, done: true });
    await expect(nextOf(second)).resolves.toMatchObject({ data: { available: 1 } });
    await pubSub.close();
    await expect(second.next()).resolves.toEqual({ value: undefined, done: true });
  });

  it('bounds what a slow subscriber holds by dropping the oldest', async () => {
    const pubSub = new InProcessLivePubSub(log, { queueLimit: 2 });
    const productId = randomUUID();
    const topic = liveTopics.inventoryChanged(productId);
    const slow = await pubSub.subscribe(topic);
    for (const available of [1, 2, 3, 4])
      await pubSub.publish(topic, stockChanged(productId, available));
    const read = [await nextOf(slow), await nextOf(slow)].map((event) => event.data.available);
    expect(read).toEqual([3, 4]);
    expect(await receivesWithin(slow, 100)).toBe(false);
    await pubSub.close();
  });
});

describe('live feeds from the event bus', () => {
  const redis = testRedisSettings();
  const buses: [string, () => EventBus][] = [
    ['in process', () => new InProcessEventBus(log)],
    ['Redis Streams', () => new RedisStreamsEventBus(TEST_REDIS_URL, log, redis.streamPrefix)],
  ];
  afterAll(() => deleteTestStreams(redis));

  it.each(buses)(
    'publishes the routed events that come after the feed started (%s)',
    async (_name, makeBus) => {
      const bus = makeBus();
      const pubSub = new InProcessLivePubSub(log);
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
      const subscription = await pubSub.subscribe(topic);
      // Give the group time to be created before the news.
      await new Promise((resolve) => setTimeout(resolve, 300));
      const low = envelopeOf('inventory.events', 'LowStock', productId, {
        productId,
        available: 2,
        threshold: 5,
      });
      const news = stockChanged(productId, 2);
      await bus.publish('inventory.events', [low, news]);

      await expect(nextOf(subscription)).resolves.toEqual(news);
      expect(await receivesWithin(subscription, 300)).toBe(false);
      await feed.stop();
      await Promise.all([pubSub.close(), bus.close()]);
    },
  );
});
