import { randomUUID } from 'node:crypto';
import { prepareTestDatabase, queryTestDatabase } from '@shop/testing';
import { seedData } from '@shop/seed';
import { newProductId, ofType, startWatchedInventory, stockRowsOf } from './helpers';

const [berlin] = seedData.warehouses;

describe('reservation expiry in the background (real PostgreSQL)', () => {
  let databaseUrl: string;
  let inventory: Awaited<ReturnType<typeof startWatchedInventory>>;

  beforeAll(async () => {
    databaseUrl = await prepareTestDatabase('inventory');
    inventory = await startWatchedInventory(databaseUrl, 200);
  });
  afterAll(() => inventory.stop());

  const statusOf = async (id: string) =>
    (
      await queryTestDatabase<{ status: string }>(
        databaseUrl,
        'SELECT status::text FROM "Reservation" WHERE id = $1',
        [id],
      )
    )[0]!.status;

  it('releases a hold whose ttl passed (EXPIRED), restores what is available and publishes it', async () => {
    const services = inventory.subgraph.services;
    const productId = newProductId();
    await services.stock.restock({ productId, warehouseId: berlin!.id, quantity: 8 });
    const reserve = (ttlSeconds: number) =>
      services.reservations.reserve({
        orderId: randomUUID(),
        idempotencyKey: randomUUID(),
        lines: [{ productId, quantity: 3 }],
        ttlSeconds,
      });
    const shortLived = await reserve(1);
    const longLived = await reserve(3_600);
    expect((await stockRowsOf(databaseUrl, productId))[0]!.reserved).toBe(6);

    const deadline = Date.now() + 5_000;
    while ((await statusOf(shortLived.id)) === 'HELD' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }

    await expect(statusOf(shortLived.id)).resolves.toBe('EXPIRED');
    await expect(statusOf(longLived.id)).resolves.toBe('HELD');
    await expect(stockRowsOf(databaseUrl, productId)).resolves.toEqual([
      { warehouseId: berlin!.id, onHand: 8, reserved: 3 },
    ]);
    const events = await inventory.events.until(
      productId,
      (seen) => ofType(seen, 'StockChanged').length === 4,
    );
    expect(
      ofType(events, 'StockChanged').map((event) => [event.version, event.data.available]),
    ).toEqual([
      [1, 8],
      [2, 5],
      [3, 2],
      [4, 5],
    ]);
  });
});
