import { randomUUID } from 'node:crypto';
import { OutOfStockError } from '@shop/platform';
import { prepareTestDatabase, queryTestDatabase } from '@shop/testing';
import { seedData } from '@shop/seed';
import type { Reservation } from '../src/reservation/reservation.types';
import { newProductId, ofType, startWatchedInventory, stockRowsOf } from './helpers';

const [berlin, lyon, third] = seedData.warehouses;

describe('reservations (real PostgreSQL)', () => {
  let databaseUrl: string;
  let inventory: Awaited<ReturnType<typeof startWatchedInventory>>;
  let services: Awaited<ReturnType<typeof startWatchedInventory>>['subgraph']['services'];

  beforeAll(async () => {
    databaseUrl = await prepareTestDatabase('inventory');
    // The sweeper stays out of the way here; these tests expire reservations themselves.
    inventory = await startWatchedInventory(databaseUrl);
    services = inventory.subgraph.services;
  });
  afterAll(() => inventory.stop());

  /** A new product with `onHand` units in each warehouse given. */
  const stocked = async (...perWarehouse: [warehouseId: string, onHand: number][]) => {
    const productId = newProductId();
    for (const [warehouseId, quantity] of perWarehouse) {
      await services.stock.restock({ productId, warehouseId, quantity });
    }
    return productId;
  };

  const reserve = (lines: { productId: string; quantity: number }[], key = randomUUID()) =>
    services.reservations.reserve({
      orderId: randomUUID(),
      idempotencyKey: key,
      lines,
      ttlSeconds: 600,
    });

  const availableOf = async (productId: string) =>
    (await services.stock.inventoriesOf([productId]))[0]!.available;

  const reservationRows = (key: string) =>
    queryTestDatabase<{ id: string; status: string }>(
      databaseUrl,
      'SELECT id, status::text FROM "Reservation" WHERE "idempotencyKey" = $1',
      [key],
    );

  const byWarehouse = (reservation: Reservation) =>
    Object.fromEntries(reservation.lines.map((line) => [line.warehouseId, line.quantity]));

  it('holds every line, or none: one line short is OUT_OF_STOCK naming its product', async () => {
    const plenty = await stocked([berlin!.id, 10]);
    const short = await stocked([berlin!.id, 1], [lyon!.id, 1]);
    const key = randomUUID();

    const attempt = reserve(
      [
        { productId: plenty, quantity: 4 },
        { productId: short, quantity: 3 },
      ],
      key,
    );

    await expect(attempt).rejects.toBeInstanceOf(OutOfStockError);
    await expect(attempt).rejects.toMatchObject({
      extensions: { code: 'OUT_OF_STOCK', productId: short },
    });
    expect((await stockRowsOf(databaseUrl, plenty)).map((row) => row.reserved)).toEqual([0]);
    expect((await stockRowsOf(databaseUrl, short)).map((row) => row.reserved)).toEqual([0, 0]);
    await expect(reservationRows(key)).resolves.toEqual([]);
    const [lines] = await queryTestDatabase<{ count: string }>(
      databaseUrl,
      'SELECT count(*) FROM "ReservationLine" WHERE "productId" = ANY($1::uuid[])',
      [[plenty, short]],
    );
    expect(Number(lines!.count)).toBe(0);
  });

  it('splits a line over warehouses, the one with the most available first', async () => {
    const productId = await stocked([berlin!.id, 3], [lyon!.id, 5], [third!.id, 1]);

    const reservation = await reserve([{ productId, quantity: 7 }]);

    expect(reservation).toMatchObject({ status: 'HELD' });
    expect(byWarehouse(reservation)).toEqual({ [lyon!.id]: 5, [berlin!.id]: 2 });
    const rows = await stockRowsOf(databaseUrl, productId);
    expect(Object.fromEntries(rows.map((row) => [row.warehouseId, row.reserved]))).toEqual({
      [berlin!.id]: 2,
      [lyon!.id]: 5,
      [third!.id]: 0,
    });
    await expect(availableOf(productId)).resolves.toBe(2);
    const events = await inventory.events.until(productId, (seen) =>
      ofType(seen, 'StockChanged').some((event) => event.data.available === 2),
    );
    expect(ofType(events, 'LowStock').at(-1)!.data).toEqual({
      productId,
      available: 2,
      threshold: 5,
    });
  });

  it('breaks ties by warehouse id and skips warehouses with nothing available', async () => {
    const productId = await stocked([berlin!.id, 3], [lyon!.id, 3], [third!.id, 2]);
    await queryTestDatabase(
      databaseUrl,
      'UPDATE "StockLevel" SET "reserved" = "onHand" WHERE "productId" = $1 AND "warehouseId" = $2',
      [productId, third!.id],
    );
    const [first, second] = [berlin!.id, lyon!.id].sort();

    const reservation = await reserve([{ productId, quantity: 4 }]);

    // Answered in warehouse order, which is also the order of the tie.
    expect(reservation.lines).toEqual([
      { productId, warehouseId: first, quantity: 3 },
      { productId, warehouseId: second, quantity: 1 },
    ]);
  });

  it('adds up lines of the same product and expires a hold in at most ttlSeconds', async () => {
    const productId = await stocked([berlin!.id, 10]);
    const before = Date.now();

    const reservation = await services.reservations.reserve({
      orderId: randomUUID(),
      idempotencyKey: randomUUID(),
      lines: [
        { productId, quantity: 2 },
        { productId, quantity: 3 },
      ],
      ttlSeconds: 90,
    });

    expect(reservation.lines).toEqual([{ productId, warehouseId: berlin!.id, quantity: 5 }]);
    const ttlMs = reservation.expiresAt.getTime() - before;
    expect(ttlMs).toBeGreaterThan(85_000);
    expect(ttlMs).toBeLessThanOrEqual(91_000);
  });

  it('answers the same reservation for the same idempotency key, holding once', async () => {
    const productId = await stocked([berlin!.id, 10]);
    const orderId = randomUUID();
    const key = randomUUID();
    const request = {
      orderId,
      idempotencyKey: key,
      lines: [{ productId, quantity: 4 }],
      ttlSeconds: 600,
    };

    const first = await services.reservations.reserve(request);
    const again = await Promise.all(
      Array.from({ length: 5 }, () => services.reservations.reserve(request)),
    );

    expect(again.map((reservation) => reservation.id)).toEqual(Array(5).fill(first.id));
    await expect(reservationRows(key)).resolves.toHaveLength(1);
    expect((await stockRowsOf(databaseUrl, productId))[0]!.reserved).toBe(4);
    await expect(
      services.reservations.reserve({ ...request, orderId: randomUUID() }),
    ).rejects.toMatchObject({ extensions: { code: 'CONFLICT', field: 'idempotencyKey' } });
  });

  it('answers a hold and its settling exactly as they are stored', async () => {
    // Reserving and settling answer from what they wrote; asking again with the
    // same key or settling again reads the stored reservation: both must agree.
    const first = await stocked([berlin!.id, 1], [lyon!.id, 2], [third!.id, 1]);
    const second = await stocked([lyon!.id, 5]);
    const key = randomUUID();
    const lines = [
      { productId: second, quantity: 2 },
      { productId: first, quantity: 4 },
    ];
    const held = await services.reservations.reserve({
      orderId: randomUUID(),
      idempotencyKey: key,
      lines,
      ttlSeconds: 600,
    });
    expect(held.lines).toHaveLength(4);
    await expect(
      services.reservations.reserve({
        orderId: held.orderId,
        idempotencyKey: key,
        lines,
        ttlSeconds: 600,
      }),
    ).resolves.toEqual(held);

    const committed = await services.reservations.commit(held.id);
    expect(committed).toEqual({ ...held, status: 'COMMITTED' });
    await expect(services.reservations.commit(held.id)).resolves.toEqual(committed);
  });

  it('holds once when the same key arrives concurrently', async () => {
    const productId = await stocked([berlin!.id, 10]);
    const request = {
      orderId: randomUUID(),
      idempotencyKey: randomUUID(),
      lines: [{ productId, quantity: 3 }],
      ttlSeconds: 600,
    };

    const results = await Promise.all(
      Array.from({ length: 6 }, () => services.reservations.reserve(request)),
    );

    expect(new Set(results.map((reservation) => reservation.id)).size).toBe(1);
    expect((await stockRowsOf(databaseUrl, productId))[0]!.reserved).toBe(3);
  });

  it('release gives the units back and publishes it; releasing again changes nothing', async () => {
    const productId = await stocked([berlin!.id, 4], [lyon!.id, 4]);
    const reservation = await reserve([{ productId, quantity: 6 }]);
    await expect(availableOf(productId)).resolves.toBe(2);

    const released = await services.reservations.release(reservation.id);
    const again = await services.reservations.release(reservation.id);

    expect(released.status).toBe('RELEASED');
    expect(again).toEqual(released);
    await expect(availableOf(productId)).resolves.toBe(8);
    expect((await stockRowsOf(databaseUrl, productId)).map((row) => row.reserved)).toEqual([0, 0]);
    const events = await inventory.events.until(
      productId,
      (seen) => ofType(seen, 'StockChanged').length === 4,
    );
    expect(ofType(events, 'StockChanged').map((event) => event.data.available)).toEqual([
      4, 8, 2, 8,
    ]);
    await expect(services.reservations.commit(reservation.id)).rejects.toMatchObject({
      extensions: { code: 'CONFLICT', status: 'RELEASED' },
    });
  });

  it('commit ships the units: off onHand and off reserved, available unchanged and unannounced; committing again changes nothing', async () => {
    const productId = await stocked([berlin!.id, 10]);
    const reservation = await reserve([{ productId, quantity: 4 }]);

    const committed = await services.reservations.commit(reservation.id);
    const again = await services.reservations.commit(reservation.id);

    expect(committed.status).toBe('COMMITTED');
    expect(again).toEqual(committed);
    await expect(stockRowsOf(databaseUrl, productId)).resolves.toEqual([
      { warehouseId: berlin!.id, onHand: 6, reserved: 0 },
    ]);
    await expect(availableOf(productId)).resolves.toBe(6);
    await expect(services.reservations.release(reservation.id)).rejects.toMatchObject({
      extensions: { code: 'CONFLICT', status: 'COMMITTED' },
    });
    // A restock after the commit: its event comes right after the reservation's, none between.
    await services.stock.restock({ productId, warehouseId: berlin!.id, quantity: 1 });
    const events = await inventory.events.until(
      productId,
      (seen) => ofType(seen, 'StockChanged').length === 3,
    );
    expect(
      ofType(events, 'StockChanged').map((event) => [event.version, event.data.available]),
    ).toEqual([
      [1, 10],
      [2, 6],
      [3, 7],
    ]);
  });

  it('return puts committed units back where they were taken; returning again changes nothing', async () => {
    const productId = await stocked([berlin!.id, 4], [lyon!.id, 6]);
    const reservation = await reserve([{ productId, quantity: 8 }]);
    await services.reservations.commit(reservation.id);
    await expect(availableOf(productId)).resolves.toBe(2);

    const returned = await services.reservations.returnGoods(reservation.id);
    const again = await services.reservations.returnGoods(reservation.id);

    expect(returned.status).toBe('RETURNED');
    expect(again).toEqual(returned);
    const rows = await stockRowsOf(databaseUrl, productId);
    expect(
      Object.fromEntries(rows.map(({ warehouseId, ...stock }) => [warehouseId, stock])),
    ).toEqual({
      [berlin!.id]: { onHand: 4, reserved: 0 },
      [lyon!.id]: { onHand: 6, reserved: 0 },
    });
    await expect(availableOf(productId)).resolves.toBe(10);
    const events = await inventory.events.until(
      productId,
      (seen) => ofType(seen, 'StockChanged').length === 4,
    );
    // Two restocks, the hold, and the return; the commit between changed nothing available.
    expect(ofType(events, 'StockChanged').map((event) => event.data.available)).toEqual([
      4, 10, 2, 10,
    ]);
    expect(events.at(-1)).toMatchObject({ type: 'StockChanged', version: 4 });
    for (const settle of [services.reservations.release, services.reservations.commit]) {
      await expect(settle.call(services.reservations, reservation.id)).rejects.toMatchObject({
        extensions: { code: 'CONFLICT', status: 'RETURNED' },
      });
    }
  });

  it('returns once when the same return arrives concurrently', async () => {
    const productId = await stocked([berlin!.id, 5]);
    const reservation = await reserve([{ productId, quantity: 3 }]);
    await services.reservations.commit(reservation.id);

    const results = await Promise.all(
      Array.from({ length: 6 }, () => services.reservations.returnGoods(reservation.id)),
    );

    expect(results.map((result) => result.status)).toEqual(Array(6).fill('RETURNED'));
    await expect(stockRowsOf(databaseUrl, productId)).resolves.toEqual([
      { warehouseId: berlin!.id, onHand: 5, reserved: 0 },
    ]);
  });

  it('returns a paid order’s goods whatever came first: a hold not committed yet is released, a released or expired one left so', async () => {
    const productId = await stocked([berlin!.id, 10]);
    const held = await reserve([{ productId, quantity: 1 }]);
    const released = await reserve([{ productId, quantity: 1 }]);
    await services.reservations.release(released.id);
    const expired = await reserve([{ productId, quantity: 1 }]);
    await services.reservations.expire(expired.id);
    await expect(stockRowsOf(databaseUrl, productId)).resolves.toEqual([
      { warehouseId: berlin!.id, onHand: 10, reserved: 1 },
    ]);

    for (const [reservation, status] of [
      [held, 'RELEASED'],
      [released, 'RELEASED'],
      [expired, 'EXPIRED'],
    ] as const) {
      await expect(services.reservations.returnGoods(reservation.id)).resolves.toMatchObject({
        status,
      });
      await expect(services.reservations.returnGoods(reservation.id)).resolves.toMatchObject({
        status,
      });
    }
    // Nothing left the shelf, and nothing came back twice.
    await expect(stockRowsOf(databaseUrl, productId)).resolves.toEqual([
      { warehouseId: berlin!.id, onHand: 10, reserved: 0 },
    ]);
    // OrderPaid's commit, arriving after the return released the hold, finds nothing to commit.
    await expect(services.reservations.commit(held.id)).rejects.toMatchObject({
      extensions: { code: 'CONFLICT', status: 'RELEASED' },
    });
  });

  it('of a return and a commit of one hold at once, the units end on the shelf exactly once', async () => {
    const productId = await stocked([berlin!.id, 5]);
    for (let round = 0; round < 5; round++) {
      const reservation = await reserve([{ productId, quantity: 2 }]);
      const [returned, committed] = await Promise.allSettled([
        services.reservations.returnGoods(reservation.id),
        services.reservations.commit(reservation.id),
      ]);
      expect(returned).toMatchObject({ status: 'fulfilled' });
      const status = (returned as PromiseFulfilledResult<Reservation>).value.status;
      // Committed first, then returned; or released first, and the commit refused.
      expect([
        ['RETURNED', 'fulfilled'],
        ['RELEASED', 'rejected'],
      ]).toContainEqual([status, committed.status]);
    }
    await expect(stockRowsOf(databaseUrl, productId)).resolves.toEqual([
      { warehouseId: berlin!.id, onHand: 5, reserved: 0 },
    ]);
  });

  it('answers NOT_FOUND for a reservation that does not exist', async () => {
    for (const id of [randomUUID(), 'not-a-uuid']) {
      await expect(services.reservations.release(id)).rejects.toMatchObject({
        extensions: { code: 'NOT_FOUND' },
      });
      await expect(services.reservations.commit(id)).rejects.toMatchObject({
        extensions: { code: 'NOT_FOUND' },
      });
      await expect(services.reservations.returnGoods(id)).rejects.toMatchObject({
        extensions: { code: 'NOT_FOUND' },
      });
    }
  });

  it('of 20 concurrent single-unit orders for 5 units, exactly 5 get one', async () => {
    const productId = await stocked([berlin!.id, 3], [lyon!.id, 2]);

    const outcomes = await Promise.allSettled(
      Array.from({ length: 20 }, () => reserve([{ productId, quantity: 1 }])),
    );

    const held = outcomes.filter((outcome) => outcome.status === 'fulfilled');
    const refused = outcomes.filter(
      (outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected',
    );
    expect(held).toHaveLength(5);
    expect(refused).toHaveLength(15);
    for (const { reason } of refused) {
      expect(reason).toBeInstanceOf(OutOfStockError);
      expect((reason as OutOfStockError).extensions).toMatchObject({ productId });
    }
    await expect(availableOf(productId)).resolves.toBe(0);
    const rows = await stockRowsOf(databaseUrl, productId);
    expect(rows.reduce((sum, row) => sum + row.reserved, 0)).toBe(5);
    for (const row of rows) expect(row.reserved).toBeLessThanOrEqual(row.onHand);
    const events = await inventory.events.until(
      productId,
      (seen) => ofType(seen, 'StockChanged').length === 2 + 5,
    );
    const changes = ofType(events, 'StockChanged').sort((a, b) => a.version - b.version);
    // Each hold saw the ones committed before it: 5 units counted down to none, never below.
    expect(changes.map((event) => event.data.available)).toEqual([3, 5, 4, 3, 2, 1, 0]);
  });

  it('never reports less than nothing available', async () => {
    const productId = await stocked([berlin!.id, 2], [lyon!.id, 3]);
    await reserve([{ productId, quantity: 2 }]);
    await reserve([{ productId, quantity: 3 }]);
    await expect(reserve([{ productId, quantity: 1 }])).rejects.toBeInstanceOf(OutOfStockError);

    const [inventoryNow] = await services.stock.inventoriesOf([productId]);

    expect(inventoryNow).toMatchObject({ available: 0, inStock: false });
    expect(inventoryNow!.warehouses.map((stock) => stock.available)).toEqual([0, 0]);
    const [sum] = await queryTestDatabase<{ min: number }>(
      databaseUrl,
      'SELECT min("onHand" - "reserved") AS min FROM "StockLevel"',
    );
    expect(sum!.min).toBeGreaterThanOrEqual(0);
  });

  it('lists held reservations past their time, oldest first, and expires each once however many sweep at once', async () => {
    const productId = await stocked([berlin!.id, 10], [lyon!.id, 10]);
    const due = await Promise.all(
      Array.from({ length: 6 }, () => reserve([{ productId, quantity: 2 }])),
    );
    const notDue = await reserve([{ productId, quantity: 3 }]);
    const committed = await reserve([{ productId, quantity: 1 }]);
    await services.reservations.commit(committed.id);
    // Expired a minute ago and more, each a second before the next.
    await queryTestDatabase(
      databaseUrl,
      `UPDATE "Reservation" r SET "expiresAt" = now() - interval '1 minute' - d.age * interval '1 second'
         FROM unnest($1::uuid[]) WITH ORDINALITY AS d(id, age) WHERE r.id = d.id`,
      [[...due.map((reservation) => reservation.id), committed.id].reverse()],
    );

    const listed = (await services.reservations.dueHolds(1_000)).filter((hold) =>
      [...due, notDue, committed].some((reservation) => reservation.id === hold.id),
    );
    expect(listed).toEqual(
      due.map((reservation) => ({ id: reservation.id, orderId: reservation.orderId })),
    );
    // Three sweepers settle the same holds at once: each is expired once.
    const sweeps = await Promise.all(
      [1, 2, 3].map(() => Promise.all(due.map((hold) => services.reservations.expire(hold.id)))),
    );

    for (const sweep of sweeps) {
      expect(sweep.map((reservation) => reservation.status)).toEqual(Array(6).fill('EXPIRED'));
    }
    const statuses = await queryTestDatabase<{ id: string; status: string }>(
      databaseUrl,
      'SELECT id, status::text FROM "Reservation" WHERE id = ANY($1::uuid[])',
      [[...due, notDue, committed].map((reservation) => reservation.id)],
    );
    expect(Object.fromEntries(statuses.map((row) => [row.id, row.status]))).toEqual({
      ...Object.fromEntries(due.map((reservation) => [reservation.id, 'EXPIRED'])),
      [notDue.id]: 'HELD',
      [committed.id]: 'COMMITTED',
    });
    const rows = await stockRowsOf(databaseUrl, productId);
    expect(rows.reduce((sum, row) => sum + row.reserved, 0)).toBe(3);
    await expect(availableOf(productId)).resolves.toBe(16);
    await expect(services.reservations.release(due[0]!.id)).resolves.toMatchObject({
      status: 'EXPIRED',
    });
    await expect(services.reservations.commit(due[0]!.id)).rejects.toMatchObject({
      extensions: { code: 'CONFLICT', status: 'EXPIRED' },
    });
    await expect(services.reservations.expire(committed.id)).rejects.toMatchObject({
      extensions: { code: 'CONFLICT', status: 'COMMITTED' },
    });
  });

  it.each([
    ['no lines', { lines: [] }, 'lines'],
    ['a quantity of 0', { lines: [{ productId: randomUUID(), quantity: 0 }] }, 'lines.quantity'],
    [
      'a negative quantity',
      { lines: [{ productId: randomUUID(), quantity: -1 }] },
      'lines.quantity',
    ],
    [
      'a product id that is no UUID',
      { lines: [{ productId: 'x', quantity: 1 }] },
      'lines.productId',
    ],
    ['an order id that is no UUID', { orderId: 'order-1' }, 'orderId'],
    ['an empty idempotency key', { idempotencyKey: '' }, 'idempotencyKey'],
    ['a ttl of 0', { ttlSeconds: 0 }, 'ttlSeconds'],
  ])('refuses %s with BAD_USER_INPUT and holds nothing', async (_, change, field) => {
    const productId = await stocked([berlin!.id, 5]);
    const key = randomUUID();
    await expect(
      services.reservations.reserve({
        orderId: randomUUID(),
        idempotencyKey: key,
        lines: [{ productId, quantity: 1 }],
        ttlSeconds: 60,
        ...change,
      }),
    ).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field } });
    await expect(reservationRows(key)).resolves.toEqual([]);
    expect((await stockRowsOf(databaseUrl, productId))[0]!.reserved).toBe(0);
  });
});
