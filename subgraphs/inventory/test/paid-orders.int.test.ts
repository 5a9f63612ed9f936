import { randomUUID } from 'node:crypto';
import type { DomainEvent } from '@shop/events';
import { ConflictError, createLogger, NotFoundError, OutOfStockError } from '@shop/platform';
import { eventually, prepareTestDatabase, queryTestDatabase, spyOnStatements } from '@shop/testing';
import { seedData } from '@shop/seed';
import type { Reservation } from '../src/reservation/reservation.types';
import { newProductId, startWatchedInventory, stockRowsOf } from './helpers';

type OrderPaid = Extract<DomainEvent<'orders.events'>, { type: 'OrderPaid' }>;

const [berlin, lyon] = seedData.warehouses;

const UPDATES_RESERVATIONS = /UPDATE\s+\S*"Reservation"/;
const RECORDS_PROCESSED = /INSERT INTO\s+\S*"ProcessedEvent"/;

describe('OrderPaid: the holds of a delivery committed in one statement (real PostgreSQL)', () => {
  let databaseUrl: string;
  let inventory: Awaited<ReturnType<typeof startWatchedInventory>>;
  let services: Awaited<ReturnType<typeof startWatchedInventory>>['subgraph']['services'];
  const logLines: { level: string; msg: string; reservationId?: string; status?: string }[] = [];

  beforeAll(async () => {
    databaseUrl = await prepareTestDatabase('inventory');
    const log = createLogger('inventory', 'info', {
      write: (line: string) => void logLines.push(JSON.parse(line) as (typeof logLines)[number]),
    });
    inventory = await startWatchedInventory(databaseUrl, { log });
    services = inventory.subgraph.services;
  });
  afterAll(() => inventory.stop());

  /** A new product with `onHand` units in Berlin and in Lyon. */
  const stocked = async (onHand: number) => {
    const productId = newProductId();
    for (const warehouse of [berlin!, lyon!]) {
      await services.stock.restock({ productId, warehouseId: warehouse.id, quantity: onHand });
    }
    return productId;
  };

  const reserve = (lines: { productId: string; quantity: number }[]) =>
    services.reservations.reserve({
      orderId: randomUUID(),
      idempotencyKey: randomUUID(),
      lines,
      ttlSeconds: 600,
    });

  /** OrderPaid as orders writes it for an order whose hold inventory is to commit. */
  const paid = (reservation: Reservation | null): OrderPaid => {
    const orderId = reservation?.orderId ?? randomUUID();
    return {
      id: randomUUID(),
      type: 'OrderPaid',
      aggregateId: orderId,
      version: 3,
      occurredAt: new Date().toISOString(),
      correlationId: randomUUID(),
      data: {
        orderId,
        userId: randomUUID(),
        total: { amount: 100, currency: 'USD' },
        items: [],
        ...(reservation ? { reservationId: reservation.id } : {}),
      },
    };
  };

  const statusesOf = async (reservations: Reservation[]) => {
    const rows = await queryTestDatabase<{ id: string; status: string }>(
      databaseUrl,
      'SELECT id::text, status::text FROM "Reservation" WHERE id = ANY($1::uuid[])',
      [reservations.map((reservation) => reservation.id)],
    );
    const byId = new Map(rows.map((row) => [row.id, row.status]));
    return reservations.map((reservation) => byId.get(reservation.id));
  };

  /** The events recorded for the product, its id left out so two products' can be compared. */
  const recordedEventsOf = async (productId: string) =>
    (
      await queryTestDatabase<{ type: string; version: number; data: Record<string, unknown> }>(
        databaseUrl,
        `SELECT type, version, data FROM "OutboxEvent" WHERE "aggregateId" = $1
          ORDER BY version, type`,
        [productId],
      )
    ).map((event) => ({ ...event, data: { ...event.data, productId: undefined } }));

  /** The statements this process sent the inventory database while `work` ran. */
  async function statementsDuring(work: () => Promise<void>): Promise<string[]> {
    const database = new URL(databaseUrl).pathname.slice(1);
    const spy = spyOnStatements();
    try {
      await work();
    } finally {
      spy.stop();
    }
    return spy.statements.filter((sent) => sent.database === database).map((sent) => sent.text);
  }

  it('commits the holds of a delivery in one statement, leaving stock, holds and events as one commit each does', async () => {
    // Two alike: six holds over three products, each hold on two of them.
    const alike = async () => {
      const products = [await stocked(10), await stocked(10), await stocked(10)];
      const holds: Reservation[] = [];
      for (let index = 0; index < 6; index++) {
        holds.push(
          await reserve([
            { productId: products[index % 3]!, quantity: 1 + (index % 2) },
            { productId: products[(index + 1) % 3]!, quantity: 2 },
          ]),
        );
      }
      return { products, holds };
    };
    const oneByOne = await alike();
    const together = await alike();
    for (const hold of oneByOne.holds) await services.reservations.commit(hold.id);

    const statements = await statementsDuring(async () => {
      await inventory.bus.publish('orders.events', together.holds.map(paid));
      await eventually(async () =>
        expect(await statusesOf(together.holds)).toEqual(Array(6).fill('COMMITTED')),
      );
    });

    // One delivery: its ids recorded by one statement, its holds committed by one.
    expect(statements.filter((text) => RECORDS_PROCESSED.test(text))).toHaveLength(1);
    const commits = statements.filter((text) => UPDATES_RESERVATIONS.test(text));
    expect(commits).toHaveLength(1);
    expect(statements.filter((text) => text.includes('"StockLevel"'))).toEqual(commits);
    await expect(statusesOf(oneByOne.holds)).resolves.toEqual(Array(6).fill('COMMITTED'));
    for (const [index, productId] of together.products.entries()) {
      const alone = oneByOne.products[index]!;
      const stock = await stockRowsOf(databaseUrl, productId);
      expect(stock).toEqual(await stockRowsOf(databaseUrl, alone));
      expect(stock.every((row) => row.reserved === 0)).toBe(true);
      expect(await recordedEventsOf(productId)).toEqual(await recordedEventsOf(alone));
    }
  });

  it('commits a held hold of the delivery and leaves a committed one, and a given back one logged', async () => {
    const productId = await stocked(10);
    const held = await reserve([{ productId, quantity: 1 }]);
    const committed = await reserve([{ productId, quantity: 2 }]);
    await services.reservations.commit(committed.id);
    const released = await reserve([{ productId, quantity: 3 }]);
    await services.reservations.release(released.id);
    const expired = await reserve([{ productId, quantity: 4 }]);
    await services.reservations.expire(expired.id);
    const before = await stockRowsOf(databaseUrl, productId);
    const events = [paid(released), paid(committed), paid(null), paid(held), paid(expired)];

    const statements = await statementsDuring(async () => {
      await inventory.bus.publish('orders.events', events);
      await eventually(async () => {
        expect(await statusesOf([held])).toEqual(['COMMITTED']);
        const processed = await queryTestDatabase<{ id: string }>(
          databaseUrl,
          'SELECT id::text FROM "ProcessedEvent" WHERE id = ANY($1::uuid[])',
          [events.map((event) => event.id)],
        );
        expect(processed).toHaveLength(events.length);
      });
    });

    expect(statements.filter((text) => UPDATES_RESERVATIONS.test(text))).toHaveLength(1);
    await expect(statusesOf([committed, released, expired])).resolves.toEqual([
      'COMMITTED',
      'RELEASED',
      'EXPIRED',
    ]);
    // Only the held unit left the shelf: in the warehouse it was held in.
    const after = await stockRowsOf(databaseUrl, productId);
    expect(after.map((row) => row.onHand)).toEqual(
      before.map((row) => row.onHand - (row.warehouseId === held.lines[0]!.warehouseId ? 1 : 0)),
    );
    expect(after.map((row) => row.reserved)).toEqual([0, 0]);
    const givenBack = logLines.filter(
      (line) => line.msg.startsWith('OrderPaid: the hold was given back') && line.level === 'info',
    );
    expect(givenBack.map(({ reservationId, status }) => [reservationId, status])).toEqual([
      [released.id, 'RELEASED'],
      [expired.id, 'EXPIRED'],
    ]);

    // Committed again, as a redelivery would: nothing moves twice; a hold not found is told apart.
    const unknown = randomUUID();
    const again = await services.reservations.commitAll([
      held.id,
      committed.id,
      released.id,
      unknown,
      expired.id,
    ]);
    expect(again[0]).toMatchObject({ id: held.id, status: 'COMMITTED' });
    expect(again[1]).toMatchObject({ id: committed.id, status: 'COMMITTED' });
    expect(again[2]).toBeInstanceOf(ConflictError);
    expect(again[2]).toMatchObject({ extensions: { status: 'RELEASED' } });
    expect(again[3]).toBeInstanceOf(NotFoundError);
    expect(again[4]).toMatchObject({ extensions: { status: 'EXPIRED' } });
    await expect(stockRowsOf(databaseUrl, productId)).resolves.toEqual(after);
  });

  it('commits batches while the same products are reserved, released and expired, without deadlock or overselling', async () => {
    const products = [await stocked(40), await stocked(40), await stocked(40), await stocked(40)];
    const shuffled = <T>(items: T[]) => [...items].sort(() => Math.random() - 0.5);
    const randomLines = () => {
      const upTo = (most: number) => 1 + Math.floor(Math.random() * most);
      return shuffled(products)
        .slice(0, upTo(3))
        .map((productId) => ({ productId, quantity: upTo(3) }));
    };
    const settle = <T>(work: Promise<T>) =>
      work.catch((error: unknown) => {
        // Stock may run out, and a hold two settle at once ends one way: anything else fails.
        if (error instanceof OutOfStockError || error instanceof ConflictError) return null;
        throw error;
      });

    for (let round = 0; round < 4; round++) {
      const holds = (
        await Promise.all(Array.from({ length: 24 }, () => settle(reserve(randomLines()))))
      ).filter((hold): hold is Reservation => hold !== null);
      const ids = holds.map((hold) => hold.id);
      await Promise.all([
        // Batches over overlapping holds, each in an order of its own.
        ...Array.from({ length: 6 }, () =>
          services.reservations.commitAll(shuffled(ids).slice(0, 12)).then((outcomes) => {
            for (const outcome of outcomes) if (outcome instanceof NotFoundError) throw outcome;
          }),
        ),
        ...holds.slice(0, 6).map((hold) => settle(services.reservations.release(hold.id))),
        ...holds.slice(6, 9).map((hold) => settle(services.reservations.expire(hold.id))),
        ...Array.from({ length: 12 }, async () => {
          const hold = await settle(reserve(randomLines()));
          if (hold && Math.random() < 0.5) await settle(services.reservations.release(hold.id));
        }),
      ]);
    }

    // Every unit is where the holds' statuses say: held ones reserved, committed ones gone.
    const mismatches = await queryTestDatabase<Record<string, unknown>>(
      databaseUrl,
      `WITH settled AS (
         SELECT l."productId", l."warehouseId",
                SUM(l.quantity) FILTER (WHERE r.status = 'HELD')::int AS held,
                SUM(l.quantity) FILTER (WHERE r.status = 'COMMITTED')::int AS committed
           FROM "ReservationLine" l JOIN "Reservation" r ON r.id = l."reservationId"
          WHERE l."productId" = ANY($1::uuid[])
          GROUP BY l."productId", l."warehouseId"
       )
       SELECT s."productId", s."warehouseId", s."onHand", s.reserved, t.held, t.committed
         FROM "StockLevel" s LEFT JOIN settled t USING ("productId", "warehouseId")
        WHERE s."productId" = ANY($1::uuid[])
          AND (s.reserved <> COALESCE(t.held, 0) OR s."onHand" <> 40 - COALESCE(t.committed, 0)
               OR s.reserved > s."onHand" OR s."onHand" < 0)`,
      [products],
    );
    expect(mismatches).toEqual([]);
    const [committed] = await queryTestDatabase<{ count: string }>(
      databaseUrl,
      `SELECT count(DISTINCT r.id) FROM "Reservation" r JOIN "ReservationLine" l ON l."reservationId" = r.id
        WHERE r.status = 'COMMITTED' AND l."productId" = ANY($1::uuid[])`,
      [products],
    );
    expect(Number(committed!.count)).toBeGreaterThan(0);
  });
});
