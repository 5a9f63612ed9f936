import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import {
  consumeEvents,
  InProcessEventBus,
  outboxFor,
  RedisStreamsEventBus,
  startOutboxRelay,
  type EventBus,
  type EventEnvelope,
} from '@shop/events';
import { createLogger } from '@shop/platform';
import { prepareTestDatabase, queryTestDatabase } from '@shop/testing';
// The events library is exercised on a real subgraph database: products' tables.
import { connectDatabase, type Database } from '../../../subgraphs/products/src/db';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const log = createLogger('events-test', 'silent');
const products = outboxFor('products.events');

const snapshot = (productId: string) => ({
  productId,
  name: 'Probe',
  slug: `probe-${productId}`,
  description: 'A probe',
  categoryId: randomUUID(),
  categoryName: 'Probes',
  price: { amount: 100, currency: 'USD' },
});

async function until(
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 5_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('domain events: outbox, relay, Redis Streams, idempotent consumers', () => {
  let db: Database;
  let url: string;
  let redis: Redis;
  const streams: string[] = [];
  const uniqueStream = () => {
    const stream = `test.events.${randomUUID()}`;
    streams.push(stream);
    return stream;
  };

  beforeAll(async () => {
    url = await prepareTestDatabase('products');
    db = connectDatabase(url, 4);
    redis = new Redis(REDIS_URL);
  });
  afterAll(async () => {
    if (streams.length > 0) await redis.del(...streams);
    await redis.quit();
    await db.prisma.$disconnect();
  });

  /** Counts how often the handler ran for each event id, through a real consumer. */
  function countingConsumer(bus: EventBus, stream: string, group = 'probe') {
    const handled = new Map<string, number>();
    const subscription = consumeEvents({
      bus,
      stream: stream as 'products.events',
      group,
      prisma: db.prisma,
      log,
      handlers: {
        ProductCreated: async (event) => {
          handled.set(event.id, (handled.get(event.id) ?? 0) + 1);
        },
      },
    });
    return { handled, subscription };
  }

  it('delivers each event once per consumer group over Redis Streams, shared across instances', async () => {
    const stream = uniqueStream();
    const bus = new RedisStreamsEventBus(REDIS_URL, log);
    const otherInstance = new RedisStreamsEventBus(REDIS_URL, log);
    const seenByA: string[] = [];
    const seenByB: string[] = [];
    const seenByOther: string[] = [];
    const subscriptions = [
      bus.subscribe({ stream, group: 'g', handler: async (event) => void seenByA.push(event.id) }),
      otherInstance.subscribe({
        stream,
        group: 'g',
        handler: async (event) => void seenByB.push(event.id),
      }),
      bus.subscribe({
        stream,
        group: 'other',
        handler: async (event) => void seenByOther.push(event.id),
      }),
    ];
    const events: EventEnvelope[] = Array.from({ length: 20 }, (_, index) => ({
      id: randomUUID(),
      type: 'Probe',
      aggregateId: String(index),
      version: 1,
      occurredAt: new Date().toISOString(),
      data: {},
      correlationId: null,
    }));
    await bus.publish(stream, events);
    await until(() => seenByA.length + seenByB.length === 20 && seenByOther.length === 20);
    expect(new Set([...seenByA, ...seenByB]).size).toBe(20);
    await Promise.all(subscriptions.map((subscription) => subscription.stop()));
    await Promise.all([bus.close(), otherInstance.close()]);
  });

  it('publishes an event committed while no relay ran, exactly once, when a relay comes back', async () => {
    const stream = uniqueStream();
    const bus = new RedisStreamsEventBus(REDIS_URL, log);
    const productId = randomUUID();
    // The change commits with its event; the process "dies" before any relay publishes it.
    const event = await db.prisma.$transaction((tx) =>
      products.record(tx, 'ProductCreated', productId, snapshot(productId)),
    );
    const { handled, subscription } = countingConsumer(bus, stream);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(handled.size).toBe(0);

    const relay = startOutboxRelay({ db, stream, bus, log, intervalMs: 50 });
    await until(() => handled.get(event.id) === 1);
    await relay.stop();
    const [row] = await queryTestDatabase<{ publishedAt: Date | null }>(
      url,
      'SELECT "publishedAt" FROM "OutboxEvent" WHERE id = $1',
      [event.id],
    );
    expect(row!.publishedAt).not.toBeNull();
    await subscription.stop();
    await bus.close();
  });

  it('publishes at once what is committed while it publishes, when woken meanwhile', async () => {
    const stream = uniqueStream();
    const bus = new RedisStreamsEventBus(REDIS_URL, log);
    let releaseFirst!: () => void;
    const firstHeld = new Promise<void>((resolve) => {
      releaseFirst = resolve;
    });
    let publishing!: () => void;
    const publishingStarted = new Promise<void>((resolve) => {
      publishing = resolve;
    });
    let passes = 0;
    // The first pass stalls mid-publish until the test lets it go.
    const slowBus: EventBus = {
      publish: async (target, events) => {
        if (passes++ === 0) {
          publishing();
          await firstHeld;
        }
        await bus.publish(target, events);
      },
      subscribe: (options) => bus.subscribe(options),
      close: () => bus.close(),
    };
    const { handled, subscription } = countingConsumer(bus, stream);
    const record = (productId: string) =>
      db.prisma.$transaction((tx) =>
        products.record(tx, 'ProductCreated', productId, snapshot(productId)),
      );
    const first = await record(randomUUID());
    // A poll interval far beyond the test: only the wake can publish the second event in time.
    const relay = startOutboxRelay({ db, stream, bus: slowBus, log, intervalMs: 60_000 });
    try {
      await publishingStarted;
      const second = await record(randomUUID());
      relay.wake();
      releaseFirst();
      await until(() => handled.get(first.id) === 1 && handled.get(second.id) === 1, 5_000);
    } finally {
      releaseFirst();
      await relay.stop();
      await subscription.stop();
      await bus.close();
    }
  });

  it('handles an event once when a crash after publishing makes the relay publish it again', async () => {
    const stream = uniqueStream();
    const redisBus = new RedisStreamsEventBus(REDIS_URL, log);
    let crashes = 1;
    // Publishes, then "dies" before marking the rows published: the next tick publishes them again.
    const crashingBus: EventBus = {
      publish: async (target, events) => {
        await redisBus.publish(target, events);
        if (crashes-- > 0) throw new Error('crashed after publishing');
      },
      subscribe: (options) => redisBus.subscribe(options),
      close: () => redisBus.close(),
    };
    const { handled, subscription } = countingConsumer(redisBus, stream);
    const productId = randomUUID();
    const event = await db.prisma.$transaction((tx) =>
      products.record(tx, 'ProductCreated', productId, snapshot(productId)),
    );
    const relay = startOutboxRelay({ db, stream, bus: crashingBus, log, intervalMs: 50 });
    await until(async () => (await redis.xlen(stream)) >= 2);
    await relay.flush();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(handled.get(event.id)).toBe(1);
    const rows = await queryTestDatabase<{ count: string }>(
      url,
      'SELECT count(*) FROM "ProcessedEvent" WHERE id = $1',
      [event.id],
    );
    expect(Number(rows[0]!.count)).toBe(1);
    await relay.stop();
    await subscription.stop();
    await redisBus.close();
  });

  it('retries a failed handler and leaves no trace of the failed attempt', async () => {
    const stream = uniqueStream();
    const bus = new RedisStreamsEventBus(REDIS_URL, log);
    let failures = 1;
    const attempts: string[] = [];
    const subscription = consumeEvents({
      bus,
      stream: stream as 'products.events',
      group: 'flaky',
      prisma: db.prisma,
      log,
      handlers: {
        ProductCreated: async (event) => {
          attempts.push(event.id);
          if (failures-- > 0) throw new Error('handler failed once');
        },
      },
    });
    const productId = randomUUID();
    const event = await db.prisma.$transaction((tx) =>
      products.record(tx, 'ProductCreated', productId, snapshot(productId)),
    );
    const relay = startOutboxRelay({ db, stream, bus, log, intervalMs: 50 });
    await until(() => attempts.length === 2, 8_000);
    const rows = await queryTestDatabase<{ count: string }>(
      url,
      'SELECT count(*) FROM "ProcessedEvent" WHERE id = $1',
      [event.id],
    );
    expect(Number(rows[0]!.count)).toBe(1);
    await relay.stop();
    await subscription.stop();
    await bus.close();
  }, 15_000);

  it('gives the in-process bus the same semantics: history for late groups, retries', async () => {
    const bus = new InProcessEventBus(log);
    const event = (id: string): EventEnvelope => ({
      id,
      type: 'Probe',
      aggregateId: id,
      version: 1,
      occurredAt: new Date().toISOString(),
      data: {},
      correlationId: null,
    });
    await bus.publish('s', [event('a'), event('b')]);
    const late: string[] = [];
    let failOnce = true;
    const subscription = bus.subscribe({
      stream: 's',
      group: 'late',
      handler: async (received) => {
        if (received.id === 'b' && failOnce) {
          failOnce = false;
          throw new Error('once');
        }
        late.push(received.id);
      },
    });
    await bus.publish('s', [event('c')]);
    await until(() => late.length === 3);
    expect(late).toEqual(['a', 'b', 'c']);
    await subscription.stop();
    await bus.close();
  });
});
