import { randomUUID } from 'node:crypto';
import type { Identity } from '@shop/identity';
import { loadOrdersConfig, startOrdersSubgraph } from '@shop/orders';
import { seedData } from '@shop/seed';
import {
  ADMIN_IDENTITY,
  beforeStatement,
  errorCodes,
  graphqlRequest,
  identityHeaders,
  prepareTestDatabase,
  testSubgraphSettings,
  userIdentity,
} from '@shop/testing';
import { insertPaidOrder } from './stored-orders';

type Running = Awaited<ReturnType<typeof startOrdersSubgraph>>;

interface OrderNode {
  id: string;
  number: number;
  status: string;
  createdAt: string;
  buyer: { id: string };
}
interface OrdersPage {
  totalCount: number;
  edges: { cursor: string; node: OrderNode }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

const ANONYMOUS: Identity = { kind: 'anonymous' };
const ALL_ORDERS = `query($first: Int!, $after: String, $filter: OrderFilter) {
  allOrders(first: $first, after: $after, filter: $filter) {
    totalCount
    edges { cursor node { id number status createdAt buyer { id } } }
    pageInfo { hasNextPage endCursor }
  }
}`;
const ORDER_NUMBER = `query($id: ID!) { order(id: $id) { id number } }`;
const products = [seedData.products[0]!.id, seedData.products[1]!.id] as const;

describe('orders: numbers and the ADMIN list (real PostgreSQL)', () => {
  let subgraph: Running;
  let databaseUrl: string;
  const buyer = randomUUID();
  /** The buyer's orders, oldest first, placed after the seed's. */
  const placed: string[] = [];
  let placedFrom: string;

  beforeAll(async () => {
    databaseUrl = await prepareTestDatabase('orders');
    subgraph = await startOrdersSubgraph(
      {
        ...loadOrdersConfig({ DATABASE_URL_ORDERS: databaseUrl }),
        ...testSubgraphSettings(databaseUrl),
      },
      { seed: true },
    );
    placedFrom = new Date().toISOString();
    for (let index = 0; index < 3; index += 1) {
      placed.push(await insertPaidOrder(databaseUrl, buyer, products));
    }
  });
  afterAll(() => subgraph.stop());

  const call = <Data>(identity: Identity, query: string, variables: Record<string, unknown>) =>
    graphqlRequest<Data>(subgraph.url, query, variables, identityHeaders(identity));
  const allOrders = async (variables: Record<string, unknown>) => {
    const response = await call<{ allOrders: OrdersPage }>(ADMIN_IDENTITY, ALL_ORDERS, variables);
    expect(response.errors).toBeUndefined();
    return response.data!.allOrders;
  };
  const numberOf = async (id: string) =>
    (await call<{ order: { number: number } }>(ADMIN_IDENTITY, ORDER_NUMBER, { id })).data!.order
      .number;

  it('numbers orders from 1001 in the order they are stored, one apart', async () => {
    const seeded = await Promise.all(seedData.deliveredOrders.map((order) => numberOf(order.id)));
    expect([...seeded].sort((a, b) => a - b)).toEqual(seeded.map((_, index) => 1001 + index));
    const numbers = await Promise.all(placed.map(numberOf));
    const next = 1001 + seeded.length;
    expect(numbers).toEqual([next, next + 1, next + 2]);
  });

  it('lists every buyer’s orders newest first, a page at a time', async () => {
    const total = seedData.deliveredOrders.length + placed.length;
    const seen: OrderNode[] = [];
    let after: string | null = null;
    do {
      const page: OrdersPage = await allOrders({ first: 2, after });
      expect(page.totalCount).toBe(total);
      seen.push(...page.edges.map((edge) => edge.node));
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    } while (after);
    expect(seen).toHaveLength(total);
    expect(seen.slice(0, 3).map((order) => order.id)).toEqual([...placed].reverse());
    const times = seen.map((order) => Date.parse(order.createdAt));
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });

  it('filters by status, buyer and when the order was placed, counting the whole filtered set', async () => {
    const paid = await allOrders({ first: 100, filter: { status: 'PAID' } });
    expect(paid.edges.map((edge) => edge.node.id).sort()).toEqual([...placed].sort());
    expect(paid.totalCount).toBe(3);

    const delivered = await allOrders({ first: 1, filter: { status: 'DELIVERED' } });
    expect(delivered.totalCount).toBe(seedData.deliveredOrders.length);
    expect(delivered.edges[0]!.node.status).toBe('DELIVERED');

    const seededBuyer = seedData.deliveredOrders[0]!.userId;
    const ofBuyer = await allOrders({ first: 100, filter: { buyerId: seededBuyer } });
    expect(ofBuyer.edges.map((edge) => edge.node.buyer.id)).toEqual(
      seedData.deliveredOrders
        .filter((order) => order.userId === seededBuyer)
        .map(() => seededBuyer),
    );
    expect((await allOrders({ first: 100, filter: { buyerId: 'not-a-uuid' } })).totalCount).toBe(0);

    const recent = await allOrders({ first: 100, filter: { placedFrom } });
    expect(recent.edges.map((edge) => edge.node.id)).toEqual([...placed].reverse());
    const earlier = await allOrders({ first: 100, filter: { placedBefore: placedFrom } });
    expect(earlier.totalCount).toBe(seedData.deliveredOrders.length);
    const both = await allOrders({
      first: 100,
      filter: { status: 'PAID', buyerId: buyer, placedBefore: placedFrom },
    });
    expect(both.totalCount).toBe(0);
  });

  it('refuses an empty date range and a foreign cursor with BAD_USER_INPUT', async () => {
    const range = await call(ADMIN_IDENTITY, ALL_ORDERS, {
      first: 10,
      filter: { placedFrom, placedBefore: placedFrom },
    });
    expect(errorCodes(range)).toEqual(['BAD_USER_INPUT']);
    const cursor = await call(ADMIN_IDENTITY, ALL_ORDERS, { first: 10, after: 'bm90LWEtY3Vyc29y' });
    expect(errorCodes(cursor)).toEqual(['BAD_USER_INPUT']);
  });

  it('is for ADMINs only: FORBIDDEN for a customer (even for their own), UNAUTHENTICATED anonymously', async () => {
    expect(errorCodes(await call(userIdentity(buyer), ALL_ORDERS, { first: 10 }))).toEqual([
      'FORBIDDEN',
    ]);
    expect(errorCodes(await call(ANONYMOUS, ALL_ORDERS, { first: 10 }))).toEqual([
      'UNAUTHENTICATED',
    ]);
  });

  // Last: it adds an order. The count waits for it to commit, so read apart they would disagree.
  it('counts what it lists: an order committed while the list is read is in neither or both', async () => {
    const lateBuyer = randomUUID();
    await insertPaidOrder(databaseUrl, lateBuyer, products);
    const restore = beforeStatement(/count\(\*\)[\s\S]*"Order"/i, () =>
      insertPaidOrder(databaseUrl, lateBuyer, products),
    );
    let page: OrdersPage;
    try {
      page = await allOrders({ first: 10, filter: { buyerId: lateBuyer } });
    } finally {
      restore();
    }
    expect([page.edges.length, page.totalCount]).toEqual([1, 1]);
    const after = await allOrders({ first: 10, filter: { buyerId: lateBuyer } });
    expect([after.edges.length, after.totalCount]).toEqual([2, 2]);
  });
});
