import { randomUUID } from 'node:crypto';
import type { Identity } from '@shop/identity';
import { seedData } from '@shop/seed';
import {
  ADMIN_IDENTITY,
  errorCodes,
  graphqlRequest,
  identityHeaders,
  prepareTestDatabase,
  userIdentity,
} from '@shop/testing';
import { startWatchedInventory } from './helpers';

const RESTOCK = `mutation($input: RestockInput!) { restock(input: $input) { productId available } }`;
const LOW_STOCK = `query($first: Int!, $after: String) {
  lowStock(first: $first, after: $after) {
    totalCount
    edges { cursor node { productId available lowStockThreshold warehouses { warehouse { id } available } } }
    pageInfo { hasNextPage endCursor }
  }
}`;

interface LowStockPage {
  totalCount: number;
  edges: {
    node: {
      productId: string;
      available: number;
      lowStockThreshold: number;
      warehouses: { warehouse: { id: string }; available: number }[];
    };
  }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

const ANONYMOUS: Identity = { kind: 'anonymous' };
const [berlin, lyon] = seedData.warehouses as [
  (typeof seedData.warehouses)[0],
  (typeof seedData.warehouses)[0],
];

describe('inventory: the ADMIN list of low stock (real PostgreSQL)', () => {
  let inventory: Awaited<ReturnType<typeof startWatchedInventory>>;
  beforeAll(async () => {
    inventory = await startWatchedInventory(await prepareTestDatabase('inventory'));
  });
  afterAll(() => inventory.stop());

  const call = <Data>(identity: Identity, query: string, variables: Record<string, unknown>) =>
    graphqlRequest<Data>(inventory.subgraph.url, query, variables, identityHeaders(identity));
  const restock = async (
    productId: string,
    warehouseId: string,
    quantity: number,
    lowStockThreshold?: number,
  ) => {
    const response = await call(ADMIN_IDENTITY, RESTOCK, {
      input: { productId, warehouseId, quantity, lowStockThreshold },
    });
    expect(response.errors).toBeUndefined();
  };
  /** Every page of the list, two at a time. */
  const wholeList = async () => {
    const nodes: LowStockPage['edges'][number]['node'][] = [];
    const counts = new Set<number>();
    let after: string | null = null;
    do {
      const response = await call<{ lowStock: LowStockPage }>(ADMIN_IDENTITY, LOW_STOCK, {
        first: 2,
        after,
      });
      expect(response.errors).toBeUndefined();
      const page: LowStockPage = response.data!.lowStock;
      counts.add(page.totalCount);
      nodes.push(...page.edges.map((edge) => edge.node));
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    } while (after);
    expect([...counts]).toEqual([nodes.length]);
    return nodes;
  };

  it('lists products at or below their threshold, fewest available first, across warehouses', async () => {
    const scarce = randomUUID(); // 1 + 2 units, threshold 5
    const raisedThreshold = randomUUID(); // 100 units, threshold 200
    const plenty = randomUUID(); // 50 units, threshold 5
    const atThreshold = randomUUID(); // exactly 5 units
    await restock(scarce, berlin.id, 1);
    await restock(scarce, lyon.id, 2);
    await restock(raisedThreshold, berlin.id, 100, 200);
    await restock(plenty, berlin.id, 50);
    await restock(atThreshold, lyon.id, 5);

    const list = await wholeList();
    const ids = list.map((node) => node.productId);
    expect(ids).toEqual(expect.arrayContaining([scarce, raisedThreshold, atThreshold]));
    expect(ids).not.toContain(plenty);
    expect(list.every((node) => node.available <= node.lowStockThreshold)).toBe(true);
    const available = list.map((node) => node.available);
    expect(available).toEqual([...available].sort((a, b) => a - b));
    expect(list.find((node) => node.productId === scarce)).toEqual({
      productId: scarce,
      available: 3,
      lowStockThreshold: 5,
      warehouses: expect.arrayContaining([
        { warehouse: { id: berlin.id }, available: 1 },
        { warehouse: { id: lyon.id }, available: 2 },
      ]),
    });

    // Restocked above its threshold, a product leaves the list.
    await restock(scarce, berlin.id, 10);
    expect((await wholeList()).map((node) => node.productId)).not.toContain(scarce);
  });

  it('is for ADMINs only: FORBIDDEN for a customer, UNAUTHENTICATED anonymously', async () => {
    expect(errorCodes(await call(userIdentity(randomUUID()), LOW_STOCK, { first: 5 }))).toEqual([
      'FORBIDDEN',
    ]);
    expect(errorCodes(await call(ANONYMOUS, LOW_STOCK, { first: 5 }))).toEqual(['UNAUTHENTICATED']);
  });
});
