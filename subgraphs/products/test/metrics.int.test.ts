import { randomUUID } from 'node:crypto';
import { createEventBus, Outbox, type EventBus } from '@shop/events';
import { createLogger } from '@shop/platform';
import {
  eventually,
  metricsOf,
  prepareTestDatabase,
  sampleOf,
  testEventsSettings,
  testSubgraphSettings,
} from '@shop/testing';
import { startProductsSubgraph } from '@shop/products';

type Running = Awaited<ReturnType<typeof startProductsSubgraph>>;

const POOL_SIZE = 4;
const products = { service: 'products' };
const stream = { ...products, stream: 'products.events' };

/** Resolves when the test lets go. */
function gate() {
  let open!: () => void;
  const closed = new Promise<void>((resolve) => (open = resolve));
  return { closed, open };
}

/**
 * What /metrics tells of a subgraph's database: its connection pool and its
 * outbox's backlog, scraped from the real products subgraph on PostgreSQL,
 * its relay publishing to a real bus that the test can hold up.
 */
describe("a subgraph's pool and outbox on /metrics", () => {
  let subgraph: Running;
  let bus: EventBus;
  let publishing = gate();

  beforeAll(async () => {
    const databaseUrl = await prepareTestDatabase('products');
    const transport = await testEventsSettings();
    const real = createEventBus(transport, createLogger('metrics-test', 'silent'));
    // The relay publishes through here: held until the test opens the gate, as a transport that stopped answering.
    bus = {
      publish: async (target, events) => {
        await publishing.closed;
        await real.publish(target, events);
      },
      subscribe: (options) => real.subscribe(options),
      close: () => real.close(),
    };
    publishing.open();
    subgraph = await startProductsSubgraph(
      { ...testSubgraphSettings(databaseUrl), ...transport, poolSize: POOL_SIZE },
      { bus },
    );
  });
  afterAll(async () => {
    publishing.open();
    await subgraph.stop();
    await bus.close();
  });

  const scrape = () => metricsOf(subgraph.url);

  it('shows the pool: its size, connections in use and idle, and queries waiting for one', async () => {
    const idle = await scrape();
    expect(sampleOf(idle, 'db_pool_connections_max', products)).toBe(POOL_SIZE);
    const total = sampleOf(idle, 'db_pool_connections', products);
    expect(total).toBeGreaterThanOrEqual(1); // the readiness check and the relay have used it
    expect(total).toBeLessThanOrEqual(POOL_SIZE);
    expect(
      sampleOf(idle, 'db_pool_connections_in_use', products) +
        sampleOf(idle, 'db_pool_connections_idle', products),
    ).toBe(total);
    expect(sampleOf(idle, 'db_pool_waiting_clients', products)).toBe(0);

    // Every connection held by a transaction, and one query more: it waits.
    const held = gate();
    const { prisma } = subgraph.db;
    const transactions = Array.from({ length: POOL_SIZE }, () =>
      prisma.$transaction(async (tx) => {
        await tx.$queryRawUnsafe('SELECT 1');
        await held.closed;
      }),
    );
    const waiting = prisma.$queryRawUnsafe('SELECT 1');
    try {
      const exhausted = await eventually(async () => {
        const text = await scrape();
        expect(sampleOf(text, 'db_pool_connections_in_use', products)).toBe(POOL_SIZE);
        expect(sampleOf(text, 'db_pool_waiting_clients', products)).toBeGreaterThanOrEqual(1);
        return text;
      });
      expect(sampleOf(exhausted, 'db_pool_connections_idle', products)).toBe(0);
      expect(sampleOf(exhausted, 'db_pool_connections', products)).toBe(POOL_SIZE);
    } finally {
      held.open();
      await Promise.all([...transactions, waiting]);
    }
    await eventually(async () =>
      expect(sampleOf(await scrape(), 'db_pool_waiting_clients', products)).toBe(0),
    );
  });

  it('shows the backlog of events the relay has not published, and its age, until it has', async () => {
    await eventually(async () =>
      expect(sampleOf(await scrape(), 'outbox_unpublished_events', stream)).toBe(0),
    );
    expect(sampleOf(await scrape(), 'outbox_oldest_unpublished_age_seconds', stream)).toBe(0);

    publishing = gate();
    const outbox = new Outbox('products.events', subgraph.db.schema);
    const N = 3;
    for (let i = 0; i < N; i++) {
      const productId = randomUUID();
      await subgraph.db.prisma.$transaction((tx) =>
        outbox.record(tx, 'ProductCreated', productId, {
          productId,
          name: 'Probe',
          slug: `probe-${productId}`,
          description: 'A probe',
          categoryId: randomUUID(),
          categoryName: 'Probes',
          price: { amount: 100, currency: 'USD' },
        }),
      );
    }
    const held = await eventually(async () => {
      const text = await scrape();
      expect(sampleOf(text, 'outbox_unpublished_events', stream)).toBe(N);
      expect(sampleOf(text, 'outbox_oldest_unpublished_age_seconds', stream)).toBeGreaterThan(0.2);
      return text;
    });
    expect(sampleOf(held, 'outbox_oldest_unpublished_age_seconds', stream)).toBeLessThan(60);

    publishing.open();
    await eventually(async () => {
      const text = await scrape();
      expect(sampleOf(text, 'outbox_unpublished_events', stream)).toBe(0);
      expect(sampleOf(text, 'outbox_oldest_unpublished_age_seconds', stream)).toBe(0);
    });
  });
});
