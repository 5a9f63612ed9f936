import { randomUUID } from 'node:crypto';
import pg from 'pg';
import {
  graphqlRequest,
  prepareTestDatabase,
  queryTestDatabase,
  testSubgraphSettings,
  userIdentity,
  ADMIN_IDENTITY,
  identityHeaders,
  unreachableGraphqlUrl,
} from '@shop/testing';
import { seedData } from '@shop/seed';
import { startInventorySubgraph } from '@shop/inventory';
import { seedInventory } from '../src/seed';
import { StockService } from '../src/stock/stock.service';

type Running = Awaited<ReturnType<typeof startInventorySubgraph>>;

interface WarehouseStockResult {
  warehouse: { id: string; name: string; code: string };
  onHand: number;
  reserved: number;
  available: number;
}

interface InventoryResult {
  productId: string;
  available: number;
  inStock: boolean;
  lowStockThreshold: number;
  warehouses: WarehouseStockResult[];
  product: { id: string };
}

const INVENTORY = `
  query($reps: [_Any!]!) {
    _entities(representations: $reps) {
      ... on Product {
        id
        inventory {
          productId available inStock lowStockThreshold
          warehouses { warehouse { id name code } onHand reserved available }
          product { id }
        }
      }
    }
  }`;

const productReps = (ids: readonly string[]) => ids.map((id) => ({ __typename: 'Product', id }));

const seededRowsOf = (productId: string) =>
  seedData.stock.filter((row) => row.productId === productId);
const seededTotalOf = (productId: string) =>
  seededRowsOf(productId).reduce((sum, row) => sum + row.onHand, 0);

describe('inventory subgraph (real PostgreSQL)', () => {
  let subgraph: Running;
  let databaseUrl: string;

  beforeAll(async () => {
    databaseUrl = await prepareTestDatabase('inventory');
    subgraph = await startInventorySubgraph(
      {
        ...testSubgraphSettings(databaseUrl),
        reservationSweep: { intervalMs: 60_000, batchSize: 100 },
        services: { orders: await unreachableGraphqlUrl() },
      },
      { seed: true },
    );
  });
  afterAll(() => subgraph.stop());

  const query = (text: string, variables?: Record<string, unknown>) =>
    graphqlRequest(subgraph.url, text, variables, identityHeaders(ADMIN_IDENTITY));

  const inventories = async (productIds: readonly string[]): Promise<InventoryResult[]> => {
    const result = await query(INVENTORY, { reps: productReps(productIds) });
    expect(result.errors).toBeUndefined();
    return (
      result.data as { _entities: { id: string; inventory: InventoryResult }[] }
    )._entities.map((entity) => {
      expect(entity).not.toBeNull();
      return entity.inventory;
    });
  };

  it('seeds once', async () => {
    await expect(seedInventory(subgraph.db)).resolves.toBe(false);
    const [warehouses] = await queryTestDatabase<{ count: string }>(
      databaseUrl,
      'SELECT count(*) FROM "Warehouse"',
    );
    const [levels] = await queryTestDatabase<{ count: string; reserved: string }>(
      databaseUrl,
      'SELECT count(*), sum("reserved") AS reserved FROM "StockLevel"',
    );
    expect(Number(warehouses!.count)).toBe(seedData.warehouses.length);
    expect(Number(levels!.count)).toBe(seedData.stock.length);
    expect(Number(levels!.reserved)).toBe(0);
  });

  it('lists the warehouses by name', async () => {
    const result = await query('{ warehouses { id name code } }');
    expect(result.errors).toBeUndefined();
    const expected = [...seedData.warehouses].sort((a, b) => a.name.localeCompare(b.name));
    expect((result.data as { warehouses: unknown[] }).warehouses).toEqual(expected);
  });

  it('lists warehouses to ADMINs only: FORBIDDEN for customers, UNAUTHENTICATED anonymously', async () => {
    const customer = userIdentity(seedData.users[0]!.id);
    for (const [identity, code] of [
      [customer, 'FORBIDDEN'],
      [{ kind: 'anonymous' }, 'UNAUTHENTICATED'],
    ] as const) {
      const result = await graphqlRequest(
        subgraph.url,
        '{ warehouses { id name } }',
        undefined,
        identityHeaders(identity),
      );
      expect(result.data).toBeNull();
      expect(result.errors?.map((error) => error.extensions?.code)).toEqual([code]);
    }
  });

  it('answers availability to anyone, per-warehouse stock and warehouses as it lists them: ADMINs only', async () => {
    const product = seedData.products.find((candidate) => seededTotalOf(candidate.id) > 0)!;
    const customer = userIdentity(seedData.users[0]!.id);
    for (const [identity, code] of [
      [customer, 'FORBIDDEN'],
      [{ kind: 'anonymous' }, 'UNAUTHENTICATED'],
    ] as const) {
      const result = await graphqlRequest(
        subgraph.url,
        INVENTORY,
        { reps: productReps([product.id]) },
        identityHeaders(identity),
      );
      expect(
        result.errors?.map((error) => [error.path?.join('.'), error.extensions?.code]),
      ).toEqual([['_entities.0.inventory.warehouses', code]]);
      const [entity] = (result.data as { _entities: { inventory: InventoryResult }[] })._entities;
      expect(entity!.inventory).toMatchObject({
        available: seededTotalOf(product.id),
        inStock: true,
        warehouses: null,
      });
      const reference = await graphqlRequest(
        subgraph.url,
        'query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Warehouse { id name } } }',
        { reps: [{ __typename: 'Warehouse', id: seedData.warehouses[0]!.id }] },
        identityHeaders(identity),
      );
      expect(reference.errors?.map((error) => error.extensions?.code)).toEqual([code]);
    }
  });

  it('resolves warehouse references, null for unknown or malformed ids', async () => {
    const [first, second] = seedData.warehouses;
    const result = await query(
      'query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Warehouse { id name code } } }',
      {
        reps: [
          { __typename: 'Warehouse', id: second!.id },
          { __typename: 'Warehouse', id: randomUUID() },
          { __typename: 'Warehouse', id: 'not-a-uuid' },
          { __typename: 'Warehouse', id: first!.id },
        ],
      },
    );
    expect(result.errors).toBeUndefined();
    expect((result.data as { _entities: unknown[] })._entities).toEqual([
      second,
      null,
      null,
      first,
    ]);
  });

  it('answers the seeded inventory of products, including sold-out and never-stocked ones', async () => {
    const soldOut = seedData.products.find(
      (product) => seededRowsOf(product.id).length > 0 && seededTotalOf(product.id) === 0,
    )!;
    const stocked = seedData.products
      .filter((product) => seededTotalOf(product.id) > 0)
      .slice(0, 4);
    const neverStocked = randomUUID();
    const ids = [
      stocked[0]!.id,
      soldOut.id,
      neverStocked,
      ...stocked.slice(1).map((product) => product.id),
      'not-a-uuid',
    ];

    const results = await inventories(ids);

    expect(results.map((inventory) => inventory.productId)).toEqual(ids);
    expect(results.map((inventory) => inventory.product.id)).toEqual(ids);
    for (const inventory of results) {
      const total = seededTotalOf(inventory.productId);
      expect(inventory).toMatchObject({
        available: total,
        inStock: total > 0,
        lowStockThreshold: 5,
      });
    }
    const [, soldOutResult, neverStockedResult] = results;
    expect(soldOutResult).toMatchObject({ available: 0, inStock: false });
    expect(soldOutResult!.warehouses).toHaveLength(1);
    expect(neverStockedResult).toMatchObject({ available: 0, inStock: false, warehouses: [] });
    expect(results.at(-1)).toMatchObject({ available: 0, inStock: false, warehouses: [] });
  });

  it('breaks a product’s stock down per warehouse, by warehouse name', async () => {
    const product = seedData.products.find(
      (candidate) => seededRowsOf(candidate.id).length === seedData.warehouses.length,
    )!;
    const warehouseOf = (id: string) =>
      seedData.warehouses.find((warehouse) => warehouse.id === id)!;
    const expected = seededRowsOf(product.id)
      .map((row) => ({
        warehouse: warehouseOf(row.warehouseId),
        onHand: row.onHand,
        reserved: 0,
        available: row.onHand,
      }))
      .sort((a, b) => a.warehouse.name.localeCompare(b.warehouse.name));

    const [inventory] = await inventories([product.id]);

    expect(inventory!.warehouses).toEqual(expected);
  });

  it('subtracts reservations and reads the product’s own low-stock threshold', async () => {
    const [berlin, lyon] = seedData.warehouses;
    const partlyReserved = randomUUID();
    const fullyReserved = randomUUID();
    await queryTestDatabase(
      databaseUrl,
      `INSERT INTO "StockLevel" ("productId", "warehouseId", "onHand", "reserved", "updatedAt")
       VALUES ($1, $3, 10, 4, now()), ($1, $4, 3, 3, now()), ($2, $3, 7, 7, now())`,
      [partlyReserved, fullyReserved, berlin!.id, lyon!.id],
    );
    await queryTestDatabase(
      databaseUrl,
      'INSERT INTO "ProductStockSettings" ("productId", "lowStockThreshold") VALUES ($1, 2)',
      [partlyReserved],
    );

    const [partly, fully] = await inventories([partlyReserved, fullyReserved]);

    expect(partly).toMatchObject({ available: 6, inStock: true, lowStockThreshold: 2 });
    expect(
      partly!.warehouses.map(({ onHand, reserved, available }) => ({
        onHand,
        reserved,
        available,
      })),
    ).toEqual([
      { onHand: 10, reserved: 4, available: 6 },
      { onHand: 3, reserved: 3, available: 0 },
    ]);
    expect(fully).toMatchObject({ available: 0, inStock: false, lowStockThreshold: 5 });
  });

  it('refuses reserving beyond what is on hand and negative stock in the database', async () => {
    const row = seedData.stock.find((level) => level.onHand > 0)!;
    await expect(
      queryTestDatabase(
        databaseUrl,
        'UPDATE "StockLevel" SET "reserved" = "onHand" + 1 WHERE "productId" = $1 AND "warehouseId" = $2',
        [row.productId, row.warehouseId],
      ),
    ).rejects.toMatchObject({ code: '23514', constraint: 'StockLevel_reserved_within_onHand' });
    await expect(
      queryTestDatabase(
        databaseUrl,
        `INSERT INTO "StockLevel" ("productId", "warehouseId", "onHand", "reserved", "updatedAt") VALUES ($1, $2, -1, 0, now())`,
        [randomUUID(), row.warehouseId],
      ),
    ).rejects.toMatchObject({ code: '23514', constraint: 'StockLevel_onHand_not_negative' });
    await expect(
      queryTestDatabase(
        databaseUrl,
        `INSERT INTO "StockLevel" ("productId", "warehouseId", "onHand", "reserved", "updatedAt") VALUES ($1, $2, 5, -1, now())`,
        [randomUUID(), row.warehouseId],
      ),
    ).rejects.toMatchObject({ code: '23514', constraint: 'StockLevel_reserved_within_onHand' });
  });

  it('loads the inventory of 40 products in one batch', async () => {
    const ids = seedData.products.slice(0, 40).map((product) => product.id);
    expect(ids).toHaveLength(40);
    const batch = jest.spyOn(StockService.prototype, 'inventoriesOf');
    try {
      const results = await inventories(ids);
      expect(results.map((inventory) => inventory.available)).toEqual(ids.map(seededTotalOf));
      expect(batch).toHaveBeenCalledTimes(1);
      expect(batch.mock.calls[0]![0]).toEqual(ids);
    } finally {
      batch.mockRestore();
    }
  });

  it('issues as many SQL statements for 40 products as for 2', async () => {
    // Every statement Prisma's pg adapter sends passes through pg.Client#query. The outbox
    // relay and the reservation sweeper poll meanwhile; only the inventory's tables count.
    const inventoryTables = /"(StockLevel|ProductStockSettings|Warehouse)"/;
    const textOf = (query: unknown) =>
      typeof query === 'string' ? query : ((query as { text?: string }).text ?? '');
    const statementsFor = async (ids: readonly string[]): Promise<number> => {
      const sent = jest.spyOn(pg.Client.prototype, 'query');
      try {
        await inventories(ids);
        return sent.mock.calls.filter(([query]) => inventoryTables.test(textOf(query))).length;
      } finally {
        sent.mockRestore();
      }
    };
    const ids = seedData.products.slice(0, 40).map((product) => product.id);
    const forTwo = await statementsFor(ids.slice(0, 2));
    expect(forTwo).toBeGreaterThan(0);
    await expect(statementsFor(ids)).resolves.toBe(forTwo);
  });
});
