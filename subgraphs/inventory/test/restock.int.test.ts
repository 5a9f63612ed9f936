import { randomUUID } from 'node:crypto';
import {
  ADMIN_IDENTITY,
  graphqlRequest,
  identityHeaders,
  prepareTestDatabase,
  queryTestDatabase,
  userIdentity,
} from '@shop/testing';
import { seedData } from '@shop/seed';
import type { Identity } from '@shop/identity';
import { newProductId, ofType, outboxCountOf, startWatchedInventory, stockRowsOf } from './helpers';

const RESTOCK = `
  mutation Restock($input: RestockInput!) {
    restock(input: $input) {
      productId available inStock lowStockThreshold
      warehouses { warehouse { id name } onHand reserved }
    }
  }`;

interface RestockResult {
  productId: string;
  available: number;
  inStock: boolean;
  lowStockThreshold: number;
  warehouses: { warehouse: { id: string; name: string }; onHand: number; reserved: number }[];
}

interface RestockInput {
  productId: string;
  warehouseId: string;
  quantity: number;
  lowStockThreshold?: number | null;
}

const [berlin, lyon] = seedData.warehouses;
const seededRowsOf = (productId: string) =>
  seedData.stock.filter((row) => row.productId === productId);

describe('restock (real PostgreSQL)', () => {
  let databaseUrl: string;
  let inventory: Awaited<ReturnType<typeof startWatchedInventory>>;

  beforeAll(async () => {
    databaseUrl = await prepareTestDatabase('inventory');
    inventory = await startWatchedInventory(databaseUrl);
  });
  afterAll(() => inventory.stop());

  const restockAs = (identity: Identity, input: RestockInput) =>
    graphqlRequest(inventory.subgraph.url, RESTOCK, { input }, identityHeaders(identity));

  const restock = async (input: RestockInput): Promise<RestockResult> => {
    const result = await restockAs(ADMIN_IDENTITY, input);
    expect(result.errors).toBeUndefined();
    return (result.data as { restock: RestockResult }).restock;
  };

  const thresholdOf = async (productId: string) =>
    (
      await queryTestDatabase<{ lowStockThreshold: number; version: number }>(
        databaseUrl,
        'SELECT "lowStockThreshold", "version" FROM "ProductStockSettings" WHERE "productId" = $1',
        [productId],
      )
    )[0];

  /** Nothing about the product in the database: no stock, no settings, no events. */
  const expectNothingWritten = async (productId: string) => {
    await expect(stockRowsOf(databaseUrl, productId)).resolves.toEqual([]);
    await expect(thresholdOf(productId)).resolves.toBeUndefined();
    await expect(outboxCountOf(databaseUrl, productId)).resolves.toBe(0);
  };

  it('adds stock to a warehouse as an ADMIN and publishes StockChanged', async () => {
    const productId = newProductId();

    const result = await restock({ productId, warehouseId: berlin!.id, quantity: 7 });

    expect(result).toEqual({
      productId,
      available: 7,
      inStock: true,
      lowStockThreshold: 5,
      warehouses: [{ warehouse: { id: berlin!.id, name: berlin!.name }, onHand: 7, reserved: 0 }],
    });
    await expect(stockRowsOf(databaseUrl, productId)).resolves.toEqual([
      { warehouseId: berlin!.id, onHand: 7, reserved: 0 },
    ]);
    const events = await inventory.events.until(productId, (seen) => seen.length > 0);
    expect(events).toEqual([
      expect.objectContaining({
        type: 'StockChanged',
        aggregateId: productId,
        version: 1,
        data: {
          productId,
          available: 7,
          inStock: true,
          lowStockThreshold: 5,
          inStockChanged: true,
        },
      }),
    ]);
  });

  it('adds to what a warehouse already has, beside the other warehouses', async () => {
    const seeded = seededRowsOf(seedData.products[0]!.id);
    const productId = seedData.products[0]!.id;
    const before = seeded.reduce((sum, row) => sum + row.onHand, 0);
    const row = seeded[0]!;

    const result = await restock({ productId, warehouseId: row.warehouseId, quantity: 12 });

    expect(result.available).toBe(before + 12);
    expect(result.warehouses).toHaveLength(seeded.length);
    expect(result.warehouses.find((stock) => stock.warehouse.id === row.warehouseId)!.onHand).toBe(
      row.onHand + 12,
    );
    const [changed] = ofType(
      await inventory.events.until(productId, (seen) => seen.length > 0),
      'StockChanged',
    );
    expect(changed!.data.available).toBe(before + 12);
  });

  it('counts every one of concurrent restocks and numbers the product’s events in order', async () => {
    const productId = newProductId();
    const warehouses = [berlin!.id, lyon!.id];

    await Promise.all(
      Array.from({ length: 10 }, (_, index) =>
        restock({ productId, warehouseId: warehouses[index % 2]!, quantity: 1 }),
      ),
    );

    await expect(stockRowsOf(databaseUrl, productId)).resolves.toEqual(
      [berlin!.id, lyon!.id].sort().map((warehouseId) => ({ warehouseId, onHand: 5, reserved: 0 })),
    );
    const changes = ofType(
      await inventory.events.until(productId, (seen) => ofType(seen, 'StockChanged').length === 10),
      'StockChanged',
    ).sort((a, b) => a.version - b.version);
    // Each change saw every change committed before it: version n has n units available.
    expect(changes.map((event) => [event.version, event.data.available])).toEqual(
      Array.from({ length: 10 }, (_, index) => [index + 1, index + 1]),
    );
    await expect(thresholdOf(productId)).resolves.toEqual({ lowStockThreshold: 5, version: 10 });
  });

  it('publishes LowStock while what is available is at or below the threshold', async () => {
    const productId = newProductId();

    await restock({ productId, warehouseId: berlin!.id, quantity: 3 });
    await restock({ productId, warehouseId: lyon!.id, quantity: 2 });
    await restock({ productId, warehouseId: lyon!.id, quantity: 1 });

    const events = await inventory.events.until(
      productId,
      (seen) => ofType(seen, 'StockChanged').length === 3,
    );
    expect(ofType(events, 'LowStock').map((event) => [event.version, event.data])).toEqual([
      [1, { productId, available: 3, threshold: 5 }],
      [2, { productId, available: 5, threshold: 5 }],
    ]);
    expect(ofType(events, 'StockChanged').map((event) => event.data.available)).toEqual([3, 5, 6]);
  });

  it('replaces the product’s low-stock threshold when one is given, and keeps it otherwise', async () => {
    const productId = newProductId();

    const first = await restock({
      productId,
      warehouseId: berlin!.id,
      quantity: 10,
      lowStockThreshold: 20,
    });
    const second = await restock({ productId, warehouseId: berlin!.id, quantity: 5 });
    const third = await restock({
      productId,
      warehouseId: berlin!.id,
      quantity: 1,
      lowStockThreshold: 0,
    });

    expect([first, second, third].map((result) => result.lowStockThreshold)).toEqual([20, 20, 0]);
    await expect(thresholdOf(productId)).resolves.toEqual({ lowStockThreshold: 0, version: 3 });
    const events = await inventory.events.until(
      productId,
      (seen) => ofType(seen, 'StockChanged').length === 3,
    );
    expect(ofType(events, 'StockChanged').map((event) => event.data.lowStockThreshold)).toEqual([
      20, 20, 0,
    ]);
    expect(ofType(events, 'LowStock').map((event) => event.data)).toEqual([
      { productId, available: 10, threshold: 20 },
      { productId, available: 15, threshold: 20 },
    ]);
  });

  it('is for ADMINs only: FORBIDDEN for customers, UNAUTHENTICATED anonymously, nothing written', async () => {
    const productId = newProductId();
    for (const [identity, code] of [
      [userIdentity(seedData.users[0]!.id), 'FORBIDDEN'],
      [{ kind: 'anonymous' }, 'UNAUTHENTICATED'],
    ] as const) {
      const result = await restockAs(identity, {
        productId,
        warehouseId: berlin!.id,
        quantity: 5,
      });
      expect(result.data).toBeNull();
      expect(result.errors?.map((error) => error.extensions?.code)).toEqual([code]);
    }
    await expectNothingWritten(productId);
  });

  it.each([
    ['quantity 0', { quantity: 0 }, 'quantity'],
    ['a negative quantity', { quantity: -5 }, 'quantity'],
    ['more than a million units', { quantity: 1_000_001 }, 'quantity'],
    ['a negative threshold', { lowStockThreshold: -1 }, 'lowStockThreshold'],
    ['a threshold over a million', { lowStockThreshold: 1_000_001 }, 'lowStockThreshold'],
    ['a product id that is no UUID', { productId: 'not-a-uuid' }, 'productId'],
    ['a warehouse id that is no UUID', { warehouseId: 'BER' }, 'warehouseId'],
  ])('refuses %s with BAD_USER_INPUT and writes nothing', async (_, change, field) => {
    const productId = newProductId();
    const result = await restockAs(ADMIN_IDENTITY, {
      productId,
      warehouseId: berlin!.id,
      quantity: 5,
      ...change,
    });
    expect(result.data).toBeNull();
    expect(result.errors?.map((error) => error.extensions)).toEqual([
      expect.objectContaining({ code: 'BAD_USER_INPUT', field }),
    ]);
    await expectNothingWritten(productId);
  });

  it('answers NOT_FOUND for an unknown warehouse and writes nothing', async () => {
    const productId = newProductId();
    const result = await restockAs(ADMIN_IDENTITY, {
      productId,
      warehouseId: randomUUID(),
      quantity: 5,
      lowStockThreshold: 9,
    });
    expect(result.data).toBeNull();
    expect(result.errors?.map((error) => error.extensions)).toEqual([
      expect.objectContaining({ code: 'NOT_FOUND', field: 'warehouseId' }),
    ]);
    await expectNothingWritten(productId);
  });
});
