import { randomUUID } from 'node:crypto';
import {
  consumeEvents,
  createEventBus,
  Outbox,
  PostgresStreamsEventBus,
  RedisStreamsEventBus,
  startOutboxRelay,
  type EventBus,
  type EventEnvelope,
  type Subscription,
  type RelayDatabase,
} from '@shop/events';
import Redis from 'ioredis';
import pg from 'pg';
import { parseDatabaseUrl, statement, type SqlSession } from '@shop/database';
import { createLogger } from '@shop/platform';
import {
  deleteTestStreams,
  prepareTestDatabase,
  queryTestDatabase,
  TEST_REDIS_URL,
  testEventsSettings,
  testRedisSettings,
  type TestEventsSettings,
} from '@shop/testing';
// The events library is exercised on a real subgraph database: products' tables.
import { connectDatabase, type Database } from '../../../subgraphs/products/src/db';
import { TRANSPORTS, type Transport } from './transports';

const log = createLogger('events-test', 'silent');

const snapshot = (productId: string) => ({
  productId,
  name: 'Probe',
  slug: `probe-${productId}`,
  description: 'A probe',
  categoryId: randomUUID(),
  categoryName: 'Probes',
  price: { amount: 100, currency: 'USD' },
});

const probe = (aggregateId: string = randomUUID()): EventEnvelope => ({
  id: randomUUID(),
  type: 'Probe',
  aggregateId,
  version: 1,
  occurredAt: new Date().toISOString(),
  data: {},
  correlationId: null,
});

async function until(
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const ids = (events: EventEnvelope[]) => events.map((event) => event.id);

/** The bus with its publishing done by `publish`; subscriptions and closing as the bus's own. */
function publishingThrough(bus: EventBus, publish: EventBus['publish']): EventBus {
  return {
    publish,
    subscribe: (options) => bus.subscribe(options),
    close: () => bus.close(),
  };
}

/** Resolves when the test lets go: a handler that is busy for as long as the test wants. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

let db: Database;
let url: string;

beforeAll(async () => {
  url = await prepareTestDatabase('products');
  db = connectDatabase(url, 4);
});
afterAll(async () => {
  await db.disconnect();
});

describe.each(TRANSPORTS)(
  'domain events over %s: outbox, relay, consumer groups, idempotent consumers',
  (_name, transportOf) => {
    let transport: Transport;
    // Stopped, then closed, after each test.
    const subscriptions: Subscription[] = [];
    const buses: EventBus[] = [];
    const open = (lingerMs?: number) => {
      const bus = transport.bus(lingerMs);
      buses.push(bus);
      return bus;
    };
    const subscribe = (bus: EventBus, options: Parameters<EventBus['subscribe']>[0]) => {
      const subscription = bus.subscribe(options);
      subscriptions.push(subscription);
      return subscription;
    };
    const uniqueStream = () => `test.events.${randomUUID()}`;

    beforeAll(async () => {
      transport = await transportOf();
    });
    afterEach(async () => {
      await Promise.all(subscriptions.splice(0).map((subscription) => subscription.stop()));
      await Promise.all(buses.splice(0).map((bus) => bus.close()));
    });
    afterAll(() => transport.cleanUp());

    /**
     * A real consumer of the stream counting how often its handler changed
     * something per event id (`handled`), and how often the bus delivered
     * each event and its handling finished (`delivered`).
     */
    function countingConsumer(bus: EventBus, stream: string, group = 'probe') {
      const handled = new Map<string, number>();
      const delivered = new Map<string, number>();
      const counting: EventBus = {
        publish: (target, events) => bus.publish(target, events),
        subscribe: (options) =>
          subscribe(bus, {
            ...options,
            handler: async (events) => {
              await options.handler(events);
              for (const event of events)
                delivered.set(event.id, (delivered.get(event.id) ?? 0) + 1);
            },
          }),
        close: () => bus.close(),
      };
      consumeEvents({
        bus: counting,
        stream: stream as 'products.events',
        group,
        db,
        log,
        handlers: {
          ProductCreated: async (event) => {
            handled.set(event.id, (handled.get(event.id) ?? 0) + 1);
          },
        },
      });
      return { handled, delivered };
    }

    const record = (outbox: Outbox<'products.events'>, productId = randomUUID()) =>
      db.prisma.$transaction((tx) =>
        outbox.record(tx, 'ProductCreated', productId, snapshot(productId)),
      );
    const outboxOf = (stream: string) => new Outbox(stream as 'products.events', db.schema);

    it('delivers each event once per consumer group, shared across instances', async () => {
      const stream = uniqueStream();
      const [bus, otherInstance] = [open(), open()];
      const seenByA: string[] = [];
      const seenByB: string[] = [];
      const seenByOther: string[] = [];
      subscribe(bus, {
        stream,
        group: 'g',
        handler: async (events) => void seenByA.push(...ids(events)),
      });
      subscribe(otherInstance, {
        stream,
        group: 'g',
        handler: async (events) => void seenByB.push(...ids(events)),
      });
      subscribe(bus, {
        stream,
        group: 'other',
        handler: async (events) => void seenByOther.push(...ids(events)),
      });
      const events = Array.from({ length: 20 }, (_, index) => probe(String(index)));
      await bus.publish(stream, events);
      await until(() => seenByA.length + seenByB.length === 20 && seenByOther.length === 20);
      expect(new Set([...seenByA, ...seenByB]).size).toBe(20);
      expect(seenByOther).toEqual(events.map((event) => event.id));
    });

    it('delivers an event after a quiet spell at once, and lets those published while it lingers gather into one delivery', async () => {
      // A linger far beyond the test: the first event waiting on it would time the test out,
      // and so would a stop that waited for it (afterEach stops the subscription).
      const patient = open(600_000);
      const quietStream = uniqueStream();
      const seen: string[] = [];
      subscribe(patient, {
        stream: quietStream,
        group: 'g',
        handler: async (events) => void seen.push(...ids(events)),
      });
      const first = probe();
      await patient.publish(quietStream, [first]);
      await until(() => seen.length === 1);

      const stream = uniqueStream();
      const bus = open(2_000);
      const deliveries: string[][] = [];
      subscribe(bus, {
        stream,
        group: 'g',
        handler: async (events) => void deliveries.push(ids(events)),
      });
      const [a, b, c, d] = [probe(), probe(), probe(), probe()];
      await bus.publish(stream, [a]);
      await until(() => deliveries.length === 1);
      // Published one by one while the consumer lingers after its delivery of `a`.
      for (const event of [b, c, d]) await bus.publish(stream, [event]);
      await until(() => deliveries.flat().length === 4);
      expect(deliveries).toEqual([ids([a]), ids([b, c, d])]);
    });

    it('hands over only the types a subscription takes, and comes back for nothing passed over', async () => {
      const stream = uniqueStream();
      const bus = open();
      const wanted = () => ({ ...probe(), type: 'Wanted' });
      const [first, second, third] = [wanted(), wanted(), wanted()];
      await bus.publish(stream, [probe(), first, probe(), second]);
      const batches: string[][] = [];
      subscribe(bus, {
        stream,
        group: 'g',
        types: ['Wanted'],
        handler: async (events) => void batches.push(ids(events)),
      });
      await until(() => batches.flat().length === 2);
      await bus.publish(stream, [probe(), third]);
      await until(() => batches.flat().length === 3);
      expect(batches.flat()).toEqual(ids([first, second, third]));
    });

    it('publishes an event committed while no relay ran, exactly once, when a relay comes back', async () => {
      const stream = uniqueStream();
      const bus = open();
      const outbox = outboxOf(stream);
      // The change commits with its event; the process "dies" before any relay publishes it.
      const event = await record(outbox);
      const { handled } = countingConsumer(bus, stream);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(handled.size).toBe(0);

      const relay = startOutboxRelay({ db, outbox, bus, log, intervalMs: 50 });
      await until(() => handled.get(event.id) === 1);
      await relay.stop();
      const [row] = await queryTestDatabase<{ publishedAt: Date | null }>(
        url,
        'SELECT "publishedAt" FROM "OutboxEvent" WHERE id = $1',
        [event.id],
      );
      expect(row!.publishedAt).not.toBeNull();
    });

    it('publishes the events one transaction recorded in the order it recorded them', async () => {
      const stream = uniqueStream();
      const bus = open();
      const outbox = outboxOf(stream);
      const productId = randomUUID();
      // Recorded faster than the clock's milliseconds pass: many share one occurredAt.
      const recorded = await db.prisma.$transaction(async (tx) => {
        const envelopes: EventEnvelope[] = [];
        for (let index = 0; index < 30; index++) {
          envelopes.push(await outbox.record(tx, 'ProductCreated', productId, snapshot(productId)));
        }
        return ids(envelopes);
      });
      const seen: string[] = [];
      subscribe(bus, {
        stream,
        group: 'g',
        handler: async (events) =>
          void seen.push(...ids(events.filter((event) => event.aggregateId === productId))),
      });
      const relay = startOutboxRelay({ db, outbox, bus, log, intervalMs: 50 });
      await until(() => seen.length === recorded.length);
      await relay.stop();
      expect(seen).toEqual(recorded);
    });

    it('marks what it published in its next claim, with no statement of its own, and the rest at stop', async () => {
      const stream = uniqueStream();
      const bus = open();
      const outbox = outboxOf(stream);
      const { handled } = countingConsumer(bus, stream);
      const statements: ('claim' | 'other')[] = [];
      const counted: RelayDatabase = {
        schema: db.schema,
        sql: {
          rows: (statement) => {
            statements.push('claim');
            return db.sql.rows(statement);
          },
          execute: (statement) => {
            statements.push('other');
            return db.sql.execute(statement);
          },
        },
      };
      const publishedAt = async (id: string) => {
        const [row] = await queryTestDatabase<{ publishedAt: Date | null }>(
          url,
          'SELECT "publishedAt" FROM "OutboxEvent" WHERE id = $1',
          [id],
        );
        return row!.publishedAt;
      };
      // Polling out of the way: only commits wake it.
      const relay = startOutboxRelay({ db: counted, outbox, bus, log, intervalMs: 600_000 });
      const first = await record(outbox);
      outbox.committed();
      await until(() => handled.get(first.id) === 1);
      const second = await record(outbox);
      outbox.committed();
      await until(() => handled.get(second.id) === 1);

      // The claim that took the second marked the first.
      expect(await publishedAt(first.id)).not.toBeNull();
      expect(await publishedAt(second.id)).toBeNull();
      await relay.stop();
      expect(await publishedAt(second.id)).not.toBeNull();
      expect(statements.filter((statement) => statement === 'other')).toHaveLength(1);
    });

    it('publishes a commit after a quiet spell at once, and the commits of its linger in one pass', async () => {
      const bus = open();
      const passes: string[][] = [];
      const recording = publishingThrough(bus, async (target, events) => {
        passes.push(ids(events));
        await bus.publish(target, events);
      });
      // Polling out of the way: only commits wake it.
      const quiet = { intervalMs: 600_000 };
      // A linger far beyond the test: a first commit waiting on it would time the test out.
      const patientOutbox = outboxOf(uniqueStream());
      const patient = startOutboxRelay({
        db,
        outbox: patientOutbox,
        bus: recording,
        log,
        ...quiet,
        lingerMs: 600_000,
      });
      const outbox = outboxOf(uniqueStream());
      const relay = startOutboxRelay({
        db,
        outbox,
        bus: recording,
        log,
        ...quiet,
        lingerMs: 2_000,
      });
      try {
        const alone = await record(patientOutbox);
        patientOutbox.committed();
        await until(() => passes.flat().includes(alone.id));

        const first = await record(outbox);
        outbox.committed();
        await until(() => passes.flat().includes(first.id));
        const lingered: Awaited<ReturnType<typeof record>>[] = [];
        for (let index = 0; index < 3; index++) {
          lingered.push(await record(outbox));
          outbox.committed();
        }
        await until(() => lingered.every((event) => passes.flat().includes(event.id)));
        expect(passes).toEqual([[alone.id], [first.id], ids(lingered)]);
      } finally {
        await patient.stop();
        await relay.stop();
      }
    });

    it('publishes the rows a relay claimed and died holding, once its lease is over', async () => {
      const stream = uniqueStream();
      const bus = open();
      const outbox = outboxOf(stream);
      const event = await record(outbox);
      // Another relay claimed the row for a second, then died before publishing it.
      await queryTestDatabase(
        url,
        `UPDATE "OutboxEvent" SET "claimedUntil" = (now() AT TIME ZONE 'UTC') + interval '1 second'
          WHERE id = $1`,
        [event.id],
      );
      const claimed = Date.now();
      const { handled } = countingConsumer(bus, stream);
      const relay = startOutboxRelay({ db, outbox, bus, log, intervalMs: 50 });
      try {
        await until(() => handled.get(event.id) === 1);
        expect(Date.now() - claimed).toBeGreaterThanOrEqual(900);
      } finally {
        await relay.stop();
      }
    });

    it('publishes at once what is committed while it publishes, when woken meanwhile', async () => {
      const stream = uniqueStream();
      const bus = open();
      const outbox = outboxOf(stream);
      const firstHeld = gate();
      const publishing = gate();
      let passes = 0;
      // The first pass stalls mid-publish until the test lets it go.
      const slowBus = publishingThrough(bus, async (target, events) => {
        if (passes++ === 0) {
          publishing.open();
          await firstHeld.opened;
        }
        await bus.publish(target, events);
      });
      const { handled } = countingConsumer(bus, stream);
      const first = await record(outbox);
      // A poll interval far beyond the test: only the wake can publish the second event in time.
      const relay = startOutboxRelay({ db, outbox, bus: slowBus, log, intervalMs: 60_000 });
      try {
        await publishing.opened;
        const second = await record(outbox);
        outbox.committed();
        firstHeld.open();
        await until(() => handled.get(first.id) === 1 && handled.get(second.id) === 1);
      } finally {
        firstHeld.open();
        await relay.stop();
      }
    });

    it('handles an event once when a crash after publishing makes the relay publish it again', async () => {
      const stream = uniqueStream();
      const bus = open();
      const outbox = outboxOf(stream);
      let crashes = 1;
      // Publishes, then "dies" before marking the rows published: the next tick publishes them again.
      const crashingBus = publishingThrough(bus, async (target, events) => {
        await bus.publish(target, events);
        if (crashes-- > 0) throw new Error('crashed after publishing');
      });
      const { handled, delivered } = countingConsumer(bus, stream);
      const event = await record(outbox);
      const relay = startOutboxRelay({ db, outbox, bus: crashingBus, log, intervalMs: 50 });
      try {
        // Both copies reached the consumer and were dealt with.
        await until(() => delivered.get(event.id) === 2);
        expect(handled.get(event.id)).toBe(1);
        const rows = await queryTestDatabase<{ count: string }>(
          url,
          'SELECT count(*) FROM "ProcessedEvent" WHERE id = $1',
          [event.id],
        );
        expect(Number(rows[0]!.count)).toBe(1);
      } finally {
        await relay.stop();
      }
    });

    it('retries a failed handler and leaves no trace of the failed attempt', async () => {
      const stream = uniqueStream();
      const bus = open();
      const outbox = outboxOf(stream);
      let failures = 1;
      const attempts: string[] = [];
      subscriptions.push(
        consumeEvents({
          bus,
          stream: stream as 'products.events',
          group: 'flaky',
          db,
          log,
          handlers: {
            ProductCreated: async (event) => {
              attempts.push(event.id);
              if (failures-- > 0) throw new Error('handler failed once');
            },
          },
        }),
      );
      const event = await record(outbox);
      const relay = startOutboxRelay({ db, outbox, bus, log, intervalMs: 50 });
      try {
        await until(() => attempts.length === 2);
        expect(attempts).toEqual([event.id, event.id]);
        const rows = await queryTestDatabase<{ count: string }>(
          url,
          'SELECT count(*) FROM "ProcessedEvent" WHERE id = $1',
          [event.id],
        );
        expect(Number(rows[0]!.count)).toBe(1);
      } finally {
        await relay.stop();
      }
    });

    /**
     * A consumer of ProductCreated whose handler leaves a committed trace
     * per event (a row naming it) and notes the transaction it ran in.
     */
    function tracingConsumer(bus: EventBus, stream: string, fail: (eventId: string) => boolean) {
      const transactions = new Map<string, string[]>();
      const attempts = new Map<string, number>();
      let commits = 0;
      subscriptions.push(
        consumeEvents({
          bus,
          stream: stream as 'products.events',
          group: `tracing-${randomUUID()}`,
          db,
          log,
          committed: () => void commits++,
          handlers: {
            ProductCreated: async (event, tx) => {
              attempts.set(event.id, (attempts.get(event.id) ?? 0) + 1);
              const [row] = await tx.rows<{ id: string }>(
                statement('SELECT txid_current()::text AS id', []),
              );
              transactions.set(event.id, [...(transactions.get(event.id) ?? []), row!.id]);
              await tx.execute(
                statement(
                  `INSERT INTO "${db.schema}"."ProcessedEvent" (id, consumer) VALUES (gen_random_uuid(), $1)`,
                  [`trace:${event.id}`],
                ),
              );
              if (fail(event.id)) throw new Error(`handler failed for ${event.id}`);
            },
          },
        }),
      );
      const traces = async (eventId: string) => {
        const [row] = await queryTestDatabase<{ count: string }>(
          url,
          'SELECT count(*) FROM "ProcessedEvent" WHERE consumer = $1',
          [`trace:${eventId}`],
        );
        return Number(row!.count);
      };
      return { transactions, attempts, traces, commits: () => commits };
    }
    const created = (): EventEnvelope => ({ ...probe(), type: 'ProductCreated' });

    it('handles the events of one delivery in one transaction, and tells of one commit', async () => {
      const stream = uniqueStream();
      const bus = open();
      const events = Array.from({ length: 5 }, created);
      // Published before anyone reads: the first read takes them all.
      await bus.publish(stream, events);
      const { transactions, traces, commits } = tracingConsumer(bus, stream, () => false);
      await until(() => transactions.size === 5);
      await until(() => commits() === 1);
      expect(new Set([...transactions.values()].flat()).size).toBe(1);
      for (const event of events) expect(await traces(event.id)).toBe(1);
    });

    it('leaves out an event it is told cannot change anything: never handled, its id not recorded', async () => {
      const stream = uniqueStream();
      const bus = open();
      const [kept, skipped, last] = [created(), created(), created()];
      await bus.publish(stream, [kept, skipped, last]);
      const handled: string[] = [];
      subscriptions.push(
        consumeEvents({
          bus,
          stream: stream as 'products.events',
          group: `relevant-${randomUUID()}`,
          db,
          log,
          relevant: (event) => event.id !== skipped.id,
          handlers: { ProductCreated: async (event) => void handled.push(event.id) },
        }),
      );
      await until(() => handled.length === 2);
      expect(handled).toEqual([kept.id, last.id]);
      const rows = await queryTestDatabase<{ id: string }>(
        url,
        'SELECT id::text FROM "ProcessedEvent" WHERE id = ANY($1::uuid[])',
        [[kept.id, skipped.id, last.id]],
      );
      expect(rows.map((row) => row.id).sort()).toEqual([kept.id, last.id].sort());
    });

    it('handles a duplicate within one delivery once', async () => {
      const stream = uniqueStream();
      const bus = open();
      const [event, other] = [created(), created()];
      await bus.publish(stream, [event, event, other]);
      const { attempts, traces, commits } = tracingConsumer(bus, stream, () => false);
      await until(() => commits() === 1);
      expect(attempts.get(event.id)).toBe(1);
      expect(attempts.get(other.id)).toBe(1);
      expect(await traces(event.id)).toBe(1);
    });

    it('lets a failing event of a batch neither stop nor repeat the others, and retries it', async () => {
      const stream = uniqueStream();
      const bus = open();
      const [first, failing, last] = [created(), created(), created()];
      await bus.publish(stream, [first, failing, last]);
      // Fails in the batch's transaction and in its own; the bus's next delivery succeeds.
      let failures = 2;
      const { attempts, traces } = tracingConsumer(
        bus,
        stream,
        (eventId) => eventId === failing.id && failures-- > 0,
      );
      await until(async () => (await traces(failing.id)) === 1);
      // First: in the batch that rolled back, then in its own transaction; last: in its own.
      // Neither again when the failing one came back.
      expect(attempts.get(first.id)).toBe(2);
      expect(attempts.get(last.id)).toBe(1);
      expect(await traces(first.id)).toBe(1);
      expect(await traces(last.id)).toBe(1);
      expect(attempts.get(failing.id)).toBe(3);
    });

    /**
     * A consumer of ProductCreated by batches and ProductArchived one at a
     * time, noting each call (the events given, the transaction it ran in).
     */
    function batchingConsumer(bus: EventBus, stream: string, fail: (events: string[]) => boolean) {
      const calls: { type: string; events: string[]; tx: string }[] = [];
      const note = async (type: string, events: EventEnvelope[], tx: SqlSession) => {
        const [row] = await tx.rows<{ id: string }>(
          statement('SELECT txid_current()::text AS id', []),
        );
        calls.push({ type, events: ids(events), tx: row!.id });
        if (fail(ids(events))) throw new Error('batch failed');
      };
      subscriptions.push(
        consumeEvents({
          bus,
          stream: stream as 'products.events',
          group: `batching-${randomUUID()}`,
          db,
          log,
          handlers: {
            ProductCreated: { batch: (events, tx) => note('ProductCreated', events, tx) },
            ProductArchived: (event, tx) => note('ProductArchived', [event], tx),
          },
        }),
      );
      return calls;
    }

    it('hands a batch handler each run of its events in a delivery, in order, in the one transaction', async () => {
      const stream = uniqueStream();
      const bus = open();
      const archived = (): EventEnvelope => ({ ...probe(), type: 'ProductArchived' });
      const [a, b, c, d] = [created(), created(), created(), created()];
      const [x, y] = [archived(), archived()];
      await bus.publish(stream, [a, b, x, c, a, y, d]);
      const calls = batchingConsumer(bus, stream, () => false);
      await until(() => calls.length === 5);
      expect(calls.map(({ type, events }) => [type, events])).toEqual([
        ['ProductCreated', ids([a, b])],
        ['ProductArchived', ids([x])],
        // The second copy of `a` is left out: c and d, either side of y, are two runs.
        ['ProductCreated', ids([c])],
        ['ProductArchived', ids([y])],
        ['ProductCreated', ids([d])],
      ]);
      expect(new Set(calls.map((call) => call.tx)).size).toBe(1);
    });

    it('hands a batch handler whose batch failed each event alone', async () => {
      const stream = uniqueStream();
      const bus = open();
      const [first, failing, last] = [created(), created(), created()];
      await bus.publish(stream, [first, failing, last]);
      const calls = batchingConsumer(
        bus,
        stream,
        (events) => events.length > 1 && events.includes(failing.id),
      );
      await until(() => calls.length === 4);
      expect(calls.map((call) => call.events)).toEqual([
        ids([first, failing, last]),
        [first.id],
        [failing.id],
        [last.id],
      ]);
      const rows = await queryTestDatabase<{ id: string }>(
        url,
        'SELECT id::text FROM "ProcessedEvent" WHERE id = ANY($1::uuid[])',
        [ids([first, failing, last])],
      );
      expect(rows).toHaveLength(3);
    });

    it('gives a late group the history, and hands a failed batch over again before what follows', async () => {
      const stream = uniqueStream();
      const bus = open();
      const [a, b, c] = [probe(), probe(), probe()];
      await bus.publish(stream, [a, b]);
      const batches: string[][] = [];
      subscribe(bus, {
        stream,
        group: 'late',
        handler: async (events) => {
          batches.push(ids(events));
          if (batches.length === 1) throw new Error('once');
        },
      });
      await bus.publish(stream, [c]);
      await until(() => batches.flat().includes(c.id) && batches.length > 1);
      expect(batches[0]).toEqual(expect.arrayContaining([a.id, b.id]));
      expect(batches.slice(1).flat()).toEqual([a.id, b.id, c.id]);
    });

    it("starts a new group at 'newest' after what was published before it; an existing group resumes", async () => {
      const stream = uniqueStream();
      const bus = open();
      const [before, after, missed] = [probe(), probe(), probe()];
      await bus.publish(stream, [before]);
      const seen: string[] = [];
      const feed = { stream, group: 'feed', startAt: 'newest' as const };
      const first = bus.subscribe({
        ...feed,
        handler: async (events) => void seen.push(...ids(events)),
      });
      await until(() => transport.hasGroup(stream, 'feed'));
      await bus.publish(stream, [after]);
      await until(() => seen.length === 1);
      await first.stop();

      // Published while nobody of the group listened: the group resumes there.
      await bus.publish(stream, [missed]);
      subscribe(bus, { ...feed, handler: async (events) => void seen.push(...ids(events)) });
      await until(() => seen.length === 2);
      expect(seen).toEqual([after.id, missed.id]);
    });
  },
);

describe('domain events over Redis: what a stopped consumer leaves', () => {
  const settings = testRedisSettings();
  const redis = new Redis(settings.redisUrl);
  afterAll(async () => {
    await deleteTestStreams(settings);
    redis.disconnect();
  });

  it('hands an entry its blocking read took while stopping to the next subscription at once, not after the 30 s for stuck ones', async () => {
    const stream = `test.events.${randomUUID()}`;
    const key = settings.streamPrefix + stream;
    const bus = new RedisStreamsEventBus(settings.redisUrl, log, settings.streamPrefix);
    const seen: string[] = [];
    const options = {
      stream,
      group: 'feed',
      handler: async (events: EventEnvelope[]) => void seen.push(...ids(events)),
    };
    try {
      const first = bus.subscribe(options);
      const before = probe();
      await bus.publish(stream, [before]);
      await until(() => seen.includes(before.id));
      await first.stop();

      // What Redis does when an entry comes while the stopped consumer's read still blocks:
      // the entry is handed to it, pending under its name.
      const consumers = (await redis.xinfo('CONSUMERS', key, 'feed')) as string[][];
      const name = consumers[0]![1]!;
      const taken = probe();
      await bus.publish(stream, [taken]);
      await redis.xreadgroup('GROUP', 'feed', name, 'COUNT', 10, 'STREAMS', key, '>');

      const next = bus.subscribe(options);
      await until(() => seen.includes(taken.id), 5_000);
      await next.stop();
      expect(seen).toEqual([before.id, taken.id]);
    } finally {
      await bus.close();
    }
  });
});

describe('domain events over PostgreSQL: what a dead, stopped or racing consumer leaves', () => {
  let settings: TestEventsSettings;
  const closing: EventBus[] = [];
  const open = () => {
    const bus = new PostgresStreamsEventBus(settings.eventsDatabaseUrl, log, settings.streamPrefix);
    closing.push(bus);
    return bus;
  };
  const sql = <Row extends object>(text: string, params: unknown[] = []) =>
    queryTestDatabase<Row>(settings.eventsDatabaseUrl, text, params);
  const uniqueStream = () => `test.events.${randomUUID()}`;

  beforeAll(async () => {
    settings = await testEventsSettings();
  });
  afterEach(async () => {
    await Promise.all(closing.splice(0).map((bus) => bus.close()));
  });

  it('hands an entry a dead consumer had taken to a group-mate at once, not after the 30 s for stuck ones', async () => {
    const stream = uniqueStream();
    const [crashing, survivor] = [open(), open()];
    const stuck = gate();
    const taken: string[] = [];
    crashing.subscribe({
      stream,
      group: 'g',
      handler: async (events) => {
        taken.push(...ids(events));
        await stuck.opened;
      },
    });
    const event = probe();
    await survivor.publish(stream, [event]);
    await until(() => taken.length === 1);
    const received: string[] = [];
    survivor.subscribe({ stream, group: 'g', handler: async (e) => void received.push(...ids(e)) });

    // The process dies: its session (the listening connection) ends.
    const [pending] = await sql<{ consumer_pid: number }>(
      'SELECT consumer_pid FROM event_pending WHERE stream = $1',
      [settings.streamPrefix + stream],
    );
    await sql('SELECT pg_terminate_backend($1)', [pending!.consumer_pid]);
    try {
      await until(() => received.includes(event.id), 15_000);
      expect(received).toEqual([event.id]);
    } finally {
      stuck.open();
    }
  });

  it('keeps consuming after its listening connection is lost', async () => {
    const stream = uniqueStream();
    const bus = open();
    const holding = gate();
    const seen: string[] = [];
    bus.subscribe({
      stream,
      group: 'g',
      handler: async (events) => {
        seen.push(...ids(events));
        await holding.opened;
      },
    });
    const [first, second] = [probe(), probe()];
    await bus.publish(stream, [first]);
    await until(() => seen.length === 1);
    const [pending] = await sql<{ consumer_pid: number }>(
      'SELECT consumer_pid FROM event_pending WHERE stream = $1',
      [settings.streamPrefix + stream],
    );
    await sql('SELECT pg_terminate_backend($1)', [pending!.consumer_pid]);
    holding.open();
    await bus.publish(stream, [second]);
    await until(() => seen.includes(second.id), 15_000);
    expect(seen).toEqual([first.id, second.id]);
  });

  it('hands back what a stopped subscription had claimed but not yet handed over, at once', async () => {
    const stream = uniqueStream();
    const [leaving, staying] = [open(), open()];
    const busy = gate();
    const byLeaving: string[] = [];
    const leaver = leaving.subscribe({
      stream,
      group: 'g',
      handler: async (events) => {
        byLeaving.push(...ids(events));
        await busy.opened;
      },
    });
    const [first, ...later] = [probe(), probe(), probe()];
    await leaving.publish(stream, [first!]);
    await until(() => byLeaving.length === 1);
    // The group's row held: the leaver's next claim waits for it, and is stopped meanwhile.
    const { connectionString, schema } = parseDatabaseUrl(settings.eventsDatabaseUrl);
    const holder = new pg.Client({ connectionString, options: `-c search_path=${schema}` });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query(
        'SELECT FROM event_group WHERE stream = $1 AND consumer_group = $2 FOR UPDATE',
        [settings.streamPrefix + stream, 'g'],
      );
      await leaving.publish(stream, later);
      busy.open();
      await until(async () => {
        const [waiting] = await sql<{ count: string }>(
          `SELECT count(*) FROM pg_stat_activity
            WHERE wait_event_type = 'Lock' AND query LIKE '%WITH cursor AS%'`,
        );
        return Number(waiting!.count) > 0;
      });
      const stopped = leaver.stop();
      await holder.query('COMMIT');
      await stopped;
    } finally {
      await holder.end();
    }
    const byStaying: string[] = [];
    staying.subscribe({ stream, group: 'g', handler: async (e) => void byStaying.push(...ids(e)) });
    // Well within the 30 s after which entries held by a live consumer count as stuck.
    await until(() => byStaying.length === 2, 5_000);
    expect(byLeaving).toEqual([first!.id]);
    expect(byStaying).toEqual(ids(later));
  });

  it('passes over the types a subscription does not take: no pending entry, the cursor past them', async () => {
    const stream = uniqueStream();
    const bus = open();
    const seen: string[] = [];
    bus.subscribe({
      stream,
      group: 'g',
      types: ['Wanted'],
      handler: async (events) => void seen.push(...ids(events)),
    });
    // More than a claim's batch of unwanted entries first: the wanted ones behind them still come.
    const unwanted = Array.from({ length: 60 }, () => probe());
    const wanted = [probe(), probe()].map((event) => ({ ...event, type: 'Wanted' }));
    await bus.publish(stream, [
      ...unwanted.slice(0, 30),
      wanted[0]!,
      ...unwanted.slice(30),
      wanted[1]!,
    ]);
    await until(() => seen.length === 2);
    expect(seen).toEqual(wanted.map((event) => event.id));
    const key = settings.streamPrefix + stream;
    await until(async () => {
      const [group] = await sql<{ last_delivered_id: string }>(
        'SELECT last_delivered_id FROM event_group WHERE stream = $1',
        [key],
      );
      return group?.last_delivered_id === '62';
    });
    // Only the two wanted entries were ever pending, and both are acknowledged (alone, within
    // a moment: no claim follows to carry it).
    await until(
      async () =>
        (await sql('SELECT entry_id FROM event_pending WHERE stream = $1', [key])).length === 0,
    );
  });

  it('acknowledges a batch in the claim that takes the next when one comes soon, and alone when none does', async () => {
    const stream = uniqueStream();
    const bus = open();
    const busy = gate();
    const handled: string[] = [];
    const watched: string[] = [];
    bus.subscribe({
      stream,
      group: 'g',
      handler: async (events) => {
        handled.push(...ids(events));
        if (handled.length === 1) await busy.opened;
      },
    });
    // Another group on the same bus: woken by the same notification as 'g' is.
    bus.subscribe({ stream, group: 'watch', handler: async (e) => void watched.push(...ids(e)) });
    const statements: { text: string; values: unknown[] }[] = [];
    const sent = jest.spyOn(pg.Client.prototype, 'query');
    try {
      const [first, second] = [probe(), probe()];
      await bus.publish(stream, [first!]);
      await until(() => handled.length === 1);
      // Published while the first is being handled; 'g' has been told once 'watch' has it.
      await bus.publish(stream, [second!]);
      await until(() => watched.length === 2);
      busy.open();
      await until(() => handled.length === 2);
      await until(async () => {
        const pending = await sql('SELECT entry_id FROM event_pending WHERE stream = $1', [
          settings.streamPrefix + stream,
        ]);
        return pending.length === 0;
      });
      for (const [query] of sent.mock.calls) {
        const { text, values } = query as unknown as { text?: string; values?: unknown[] };
        if (text && values) statements.push({ text, values });
      }
    } finally {
      sent.mockRestore();
    }
    const ofG = statements.filter(({ values }) => values[1] === 'g');
    const claimsCarrying = ofG.filter(
      ({ text, values }) => text.includes('WITH cursor AS') && (values[6] as string[]).length > 0,
    );
    const alone = ofG.filter(({ text }) => /^\s*DELETE FROM \S+event_pending/.test(text));
    // The first was acknowledged by the claim that took the second; the second, with no claim
    // after it (or with one another stream's notification led to), once it waited long enough.
    expect(handled).toHaveLength(2);
    expect(claimsCarrying.length).toBeGreaterThanOrEqual(1);
    expect(alone.length).toBeLessThanOrEqual(1);
  });

  it('never skips an id committed after a greater one: concurrent publishers, each event once', async () => {
    const stream = uniqueStream();
    const publishers = [open(), open(), open(), open()];
    const consumers = [open(), open()];
    const deliveries = new Map<string, number>();
    for (const consumer of consumers) {
      consumer.subscribe({
        stream,
        group: 'g',
        handler: async (events) => {
          for (const event of events) deliveries.set(event.id, (deliveries.get(event.id) ?? 0) + 1);
        },
      });
    }
    const published = await Promise.all(
      publishers.flatMap((publisher) =>
        Array.from({ length: 50 }, async () => {
          const events = [probe(), probe()];
          await publisher.publish(stream, events);
          return events.map((event) => event.id);
        }),
      ),
    );
    const ids = published.flat();
    expect(new Set(ids).size).toBe(400);
    await until(() => deliveries.size === 400, 20_000);
    expect(ids.every((id) => deliveries.get(id) === 1)).toBe(true);
  });
});

describe('choosing the event transport', () => {
  it('takes Redis with REDIS_URL, PostgreSQL with EVENTS_DATABASE_URL, and refuses to start without either', async () => {
    const { eventsDatabaseUrl, streamPrefix } = await testEventsSettings();
    const overRedis = createEventBus(
      { redisUrl: TEST_REDIS_URL, eventsDatabaseUrl, streamPrefix },
      log,
    );
    const overPostgres = createEventBus({ eventsDatabaseUrl, streamPrefix }, log);
    expect(overRedis).toBeInstanceOf(RedisStreamsEventBus);
    expect(overPostgres).toBeInstanceOf(PostgresStreamsEventBus);
    await Promise.all([overRedis.close(), overPostgres.close()]);
    expect(() => createEventBus({ streamPrefix }, log)).toThrow(
      new Error(
        'No event transport: set REDIS_URL (Redis Streams) or EVENTS_DATABASE_URL (PostgreSQL)',
      ),
    );
  });
});
