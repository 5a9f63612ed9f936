import { randomUUID } from 'node:crypto';
import { createEventBus, type DomainEvent, type EventBus, type EventEnvelope } from '@shop/events';
import { createLogger, type Logger } from '@shop/platform';
import {
  queryTestDatabase,
  testEventsSettings,
  testSubgraphSettings,
  unreachableGraphqlUrl,
} from '@shop/testing';
import { startInventorySubgraph } from '@shop/inventory';

export type Running = Awaited<ReturnType<typeof startInventorySubgraph>>;
export type InventoryEvent = DomainEvent<'inventory.events'>;

/**
 * The inventory subgraph on its prepared test database, with a bus of its own
 * to watch and to publish other subgraphs' events on; the orders subgraph its
 * sweeper asks about expired holds is down unless `ordersUrl` says where it is.
 */
export async function startWatchedInventory(
  databaseUrl: string,
  {
    sweepIntervalMs = 3_600_000,
    log,
    ordersUrl,
  }: { sweepIntervalMs?: number; log?: Logger; ordersUrl?: string } = {},
) {
  const transport = await testEventsSettings();
  const bus = createEventBus(transport, createLogger('inventory-test', 'silent'));
  const subgraph = await startInventorySubgraph(
    {
      ...testSubgraphSettings(databaseUrl),
      ...transport,
      reservationSweep: { intervalMs: sweepIntervalMs, batchSize: 2 },
      services: { orders: ordersUrl ?? (await unreachableGraphqlUrl()) },
    },
    { seed: true, bus, log },
  );
  const events = watchEvents(bus);
  return {
    subgraph,
    events,
    bus,
    async stop() {
      await events.stop();
      await subgraph.stop();
      await bus.close();
    },
  };
}

/** Everything published on 'inventory.events', as a consumer group sees it. */
export function watchEvents(bus: EventBus) {
  const seen: InventoryEvent[] = [];
  const subscription = bus.subscribe({
    stream: 'inventory.events',
    group: `inventory-test-${randomUUID()}`,
    handler: async (events: EventEnvelope[]) => {
      seen.push(...(events as InventoryEvent[]));
    },
  });
  const of = (productId: string) => seen.filter((event) => event.aggregateId === productId);
  return {
    of,
    /** The product's events once `predicate` holds for them; fails after a few seconds. */
    async until(
      productId: string,
      predicate: (events: InventoryEvent[]) => boolean,
      timeoutMs = 5_000,
    ): Promise<InventoryEvent[]> {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(of(productId))) {
        if (Date.now() > deadline) {
          throw new Error(
            `events of ${productId} never matched; seen: ${JSON.stringify(of(productId))}`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      return of(productId);
    },
    stop: () => subscription.stop(),
  };
}

export const ofType = <T extends InventoryEvent['type']>(events: InventoryEvent[], type: T) =>
  events.filter((event): event is Extract<InventoryEvent, { type: T }> => event.type === type);

export interface StockRow {
  warehouseId: string;
  onHand: number;
  reserved: number;
}

/** What the database holds for a product, by warehouse id. */
export function stockRowsOf(databaseUrl: string, productId: string): Promise<StockRow[]> {
  return queryTestDatabase<StockRow>(
    databaseUrl,
    `SELECT "warehouseId", "onHand", "reserved" FROM "StockLevel" WHERE "productId" = $1
      ORDER BY "warehouseId"`,
    [productId],
  );
}

/** How many outbox rows name the product: zero when a refused write left nothing behind. */
export async function outboxCountOf(databaseUrl: string, productId: string): Promise<number> {
  const [row] = await queryTestDatabase<{ count: string }>(
    databaseUrl,
    'SELECT count(*) FROM "OutboxEvent" WHERE "aggregateId" = $1',
    [productId],
  );
  return Number(row!.count);
}

export const newProductId = () => randomUUID();
