import { randomUUID } from 'node:crypto';
import { prepareTestDatabase } from '@shop/testing';
import { seedData } from '@shop/seed';
import { newProductId, ofType, startWatchedInventory } from './helpers';

const [berlin, lyon] = seedData.warehouses;

describe("StockChanged's inStockChanged (real PostgreSQL)", () => {
  let inventory: Awaited<ReturnType<typeof startWatchedInventory>>;
  let services: Awaited<ReturnType<typeof startWatchedInventory>>['subgraph']['services'];

  beforeAll(async () => {
    inventory = await startWatchedInventory(await prepareTestDatabase('inventory'));
    services = inventory.subgraph.services;
  });
  afterAll(() => inventory.stop());

  const reserve = (productId: string, quantity: number) =>
    services.reservations.reserve({
      orderId: randomUUID(),
      idempotencyKey: randomUUID(),
      lines: [{ productId, quantity }],
      ttlSeconds: 600,
    });

  /** The product's StockChanged in version order: [available, inStock, inStockChanged]. */
  const changesOf = async (productId: string, count: number) => {
    const events = await inventory.events.until(
      productId,
      (seen) => ofType(seen, 'StockChanged').length === count,
    );
    return ofType(events, 'StockChanged')
      .sort((a, b) => a.version - b.version)
      .map(({ data }) => [data.available, data.inStock, data.inStockChanged]);
  };

  it('is true only where inStock flips, for restocks and for holds alike', async () => {
    const productId = newProductId();
    await services.stock.restock({ productId, warehouseId: berlin!.id, quantity: 2 });
    await services.stock.restock({ productId, warehouseId: lyon!.id, quantity: 1 });
    const first = await reserve(productId, 1);
    await reserve(productId, 2);
    await services.reservations.release(first.id);
    await services.stock.restock({ productId, warehouseId: berlin!.id, quantity: 4 });

    expect(await changesOf(productId, 6)).toEqual([
      [2, true, true], // the first StockChanged of the product
      [3, true, false],
      [2, true, false],
      [0, false, true], // sold out by a hold
      [1, true, true], // back by a release
      [5, true, false],
    ]);
  });

  it('keeps one flip per change of the flag when holds race', async () => {
    const productId = newProductId();
    await services.stock.restock({ productId, warehouseId: berlin!.id, quantity: 8 });
    await Promise.all(Array.from({ length: 8 }, () => reserve(productId, 1)));

    const changes = await changesOf(productId, 9);
    expect(changes.filter(([, , changed]) => changed)).toEqual([
      [8, true, true],
      [0, false, true],
    ]);
    expect(changes.at(-1)).toEqual([0, false, true]);
  });
});
