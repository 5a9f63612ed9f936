import { parse, print } from 'graphql';
import { printSubgraphSchema } from '@apollo/subgraph';
import { IDENTITY_HEADER, signIdentity, type Identity } from '@shop/identity';
import {
  graphqlRequest,
  prepareTestDatabase,
  queryTestDatabase,
  testSubgraphSettings,
  userIdentity,
  ADMIN_IDENTITY,
  identityHeaders,
} from '@shop/testing';
import { seedData } from '@shop/seed';
import { buildOrdersSchema, loadOrdersConfig, startOrdersSubgraph } from '@shop/orders';
import { OrderService } from '../src/order/order.service';

type Running = Awaited<ReturnType<typeof startOrdersSubgraph>>;

interface OrderEntity {
  id: string;
  status: string;
  createdAt: string;
  total: { amount: number; currency: string };
  items: {
    product: { id: string };
    productName: string;
    quantity: number;
    unitPrice: { amount: number; currency: string };
  }[];
  statusHistory: { status: string; at: string }[];
  buyer: { id: string };
  shippingAddress: {
    line1: string;
    line2: string | null;
    city: string;
    postalCode: string;
    country: string;
  };
}

interface OrdersPage {
  totalCount: number;
  edges: { cursor: string; node: { id: string; status: string; createdAt: string } }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; endCursor: string | null };
}

const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

const ORDER_FIELDS = `
  id status createdAt total { amount currency }
  items { product { id } productName quantity unitPrice { amount currency } }
  statusHistory { status at }
  buyer { id }
  shippingAddress { line1 line2 city postalCode country }`;

const USER_ORDERS = `query($reps: [_Any!]!, $first: Int!, $after: String) {
  _entities(representations: $reps) {
    ... on User {
      id
      orders(first: $first, after: $after) {
        totalCount
        edges { cursor node { id status createdAt } }
        pageInfo { hasNextPage hasPreviousPage endCursor }
      }
    }
  }
}`;

const ordersOf = (userId: string) =>
  seedData.deliveredOrders
    .filter((order) => order.userId === userId)
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt));

describe('orders subgraph (real PostgreSQL)', () => {
  let subgraph: Running;
  let databaseUrl: string;

  beforeAll(async () => {
    databaseUrl = await prepareTestDatabase('orders');
    subgraph = await startOrdersSubgraph(
      {
        ...loadOrdersConfig({ DATABASE_URL_ORDERS: databaseUrl }),
        ...testSubgraphSettings(databaseUrl),
      },
      { seed: true },
    );
  });
  afterAll(() => subgraph.stop());

  const queryAs = (identity: Identity, text: string, variables?: Record<string, unknown>) =>
    graphqlRequest(subgraph.url, text, variables, identityHeaders(identity));
  const query = (text: string, variables?: Record<string, unknown>) =>
    queryAs(ADMIN_IDENTITY, text, variables);

  const userOrdersAs = (identity: Identity, userIds: string[], first: number, after?: string) =>
    queryAs(identity, USER_ORDERS, {
      reps: userIds.map((id) => ({ __typename: 'User', id })),
      first,
      after,
    });
  const userOrders = (userIds: string[], first: number, after?: string) =>
    userOrdersAs(ADMIN_IDENTITY, userIds, first, after);

  it('prints a subgraph schema with the entities it owns and extends', async () => {
    // Through graphql's printer, so the assertions read the schema, not one printer's layout.
    const sdl = print(parse(printSubgraphSchema(await buildOrdersSchema())));
    expect(sdl).toContain('type Order @key(fields: "id")');
    expect(sdl).toContain('type User @key(fields: "id")');
    expect(sdl).toContain('type Product @key(fields: "id", resolvable: false)');
    expect(sdl).toContain('enum OrderStatus {');
    expect(sdl).toMatch(/orders\(after: String, first: Int!\): OrderConnection @authenticated/);
    expect(sdl).toMatch(/order\(id: ID!\): Order @authenticated/);
    expect(sdl).not.toMatch(/type Address\b/);
  });

  it('resolves order references with items, total, history, buyer and shipping address', async () => {
    const seeded = seedData.deliveredOrders;
    const result = await query(
      `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Order { ${ORDER_FIELDS} } } }`,
      { reps: seeded.map((order) => ({ __typename: 'Order', id: order.id })) },
    );
    expect(result.errors).toBeUndefined();
    const entities = (result.data as { _entities: OrderEntity[] })._entities;
    expect(entities).toHaveLength(seeded.length);

    seeded.forEach((expected, index) => {
      const order = entities[index]!;
      expect(order.id).toBe(expected.id);
      expect(order.status).toBe('DELIVERED');
      expect(order.createdAt).toBe(expected.createdAt);
      expect(order.buyer).toEqual({ id: expected.userId });

      const items = [...order.items].sort((a, b) => a.product.id.localeCompare(b.product.id));
      const expectedItems = [...expected.items].sort((a, b) =>
        a.productId.localeCompare(b.productId),
      );
      expect(items).toEqual(
        expectedItems.map((item) => ({
          product: { id: item.productId },
          productName: seedData.products.find((product) => product.id === item.productId)!.name,
          quantity: item.quantity,
          unitPrice: item.unitPrice,
        })),
      );
      const sum = expected.items.reduce(
        (total, item) => total + item.quantity * item.unitPrice.amount,
        0,
      );
      expect(order.total).toEqual({ amount: sum, currency: 'USD' });
      expect(order.total.amount).toBe(
        order.items.reduce((total, item) => total + item.quantity * item.unitPrice.amount, 0),
      );

      expect(order.statusHistory.map((change) => change.status)).toEqual([
        'PENDING',
        'PAID',
        'SHIPPED',
        'DELIVERED',
      ]);
      const times = order.statusHistory.map((change) => Date.parse(change.at));
      expect(times[0]).toBe(Date.parse(expected.createdAt));
      times.slice(1).forEach((time, step) => expect(time).toBeGreaterThan(times[step]!));

      const address = seedData.addresses.find((entry) => entry.userId === expected.userId)!;
      expect(order.shippingAddress).toEqual({
        line1: address.line1,
        line2: address.line2,
        city: address.city,
        postalCode: address.postalCode,
        country: address.country,
      });
    });
  });

  it('answers unknown or malformed order ids with NOT_FOUND, and references to them with null', async () => {
    const direct = await query(
      `{ a: order(id: "${UNKNOWN_ID}") { id } b: order(id: "x") { id } c: order(id: "${seedData.deliveredOrders[0]!.id}") { id } }`,
    );
    expect(direct.data).toEqual({ a: null, b: null, c: { id: seedData.deliveredOrders[0]!.id } });
    expect(
      direct.errors
        ?.map((error) => [error.path, error.message, error.extensions?.code])
        .sort((x, y) => String(x[0]).localeCompare(String(y[0]))),
    ).toEqual([
      [['a'], 'Order not found', 'NOT_FOUND'],
      [['b'], 'Order not found', 'NOT_FOUND'],
    ]);

    const references = await query(
      'query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Order { id } } }',
      {
        reps: [
          { __typename: 'Order', id: UNKNOWN_ID },
          { __typename: 'Order', id: 'not-a-uuid' },
        ],
      },
    );
    expect(references.errors).toBeUndefined();
    expect((references.data as { _entities: unknown[] })._entities).toEqual([null, null]);
  });

  it('lists every user’s orders newest first with totals matching the seed', async () => {
    const customers = seedData.users.map((user) => user.id);
    const result = await userOrders([...customers, UNKNOWN_ID], 1);
    expect(result.errors).toBeUndefined();
    const users = (result.data as { _entities: { id: string; orders: OrdersPage }[] })._entities;

    for (const [index, userId] of customers.entries()) {
      const expected = ordersOf(userId);
      const page = users[index]!.orders;
      expect(page.totalCount).toBe(expected.length);
      expect(page.edges.map((edge) => edge.node)).toEqual(
        expected
          .slice(0, 1)
          .map((order) => ({ id: order.id, status: 'DELIVERED', createdAt: order.createdAt })),
      );
      expect(page.pageInfo.hasNextPage).toBe(expected.length > 1);
      expect(page.pageInfo.hasPreviousPage).toBe(false);
    }

    const nobody = users.at(-1)!;
    expect(nobody).toEqual({
      id: UNKNOWN_ID,
      orders: {
        totalCount: 0,
        edges: [],
        pageInfo: { hasNextPage: false, hasPreviousPage: false, endCursor: null },
      },
    });
  });

  it('pages through a user’s orders with the after cursor, without repeats', async () => {
    const [buyer] = [...new Set(seedData.deliveredOrders.map((order) => order.userId))].filter(
      (userId) => ordersOf(userId).length > 1,
    );
    expect(buyer).toBeDefined();
    const expected = ordersOf(buyer!).map((order) => order.id);

    const seen: string[] = [];
    let after: string | undefined;
    for (;;) {
      const result = await userOrders([buyer!], 1, after);
      expect(result.errors).toBeUndefined();
      const page = (result.data as { _entities: { orders: OrdersPage }[] })._entities[0]!.orders;
      expect(page.totalCount).toBe(expected.length);
      expect(page.pageInfo.hasPreviousPage).toBe(after !== undefined);
      seen.push(...page.edges.map((edge) => edge.node.id));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor!;
    }
    expect(seen).toEqual(expected);
  });

  it('refuses page sizes outside 1..100 and malformed cursors with BAD_USER_INPUT', async () => {
    const buyer = seedData.deliveredOrders[0]!.userId;
    for (const first of [0, 101]) {
      const result = await userOrders([buyer], first);
      expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    }
    const firstPage = await userOrders([buyer], 1);
    const cursor = (firstPage.data as { _entities: { orders: OrdersPage }[] })._entities[0]!.orders
      .pageInfo.endCursor!;
    for (const [first, after] of [
      [101, cursor],
      [1, '!!not a cursor'],
    ] as const) {
      const result = await userOrders([buyer], first, after);
      expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    }
  });

  it('loads orders, items, history and first pages in one query each per request', async () => {
    const spies = (
      ['byIds', 'itemsOf', 'statusHistoryOf', 'firstPagesOfUsers', 'countsOfUsers'] as const
    ).map((method) => jest.spyOn(OrderService.prototype, method));
    try {
      const orders = await query(
        `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Order { ${ORDER_FIELDS} } } }`,
        { reps: seedData.deliveredOrders.map((order) => ({ __typename: 'Order', id: order.id })) },
      );
      expect(orders.errors).toBeUndefined();
      const users = await userOrders(
        seedData.users.map((user) => user.id),
        2,
      );
      expect(users.errors).toBeUndefined();
      expect(spies.map((spy) => spy.mock.calls.length)).toEqual([1, 1, 1, 1, 1]);
    } finally {
      spies.forEach((spy) => spy.mockRestore());
    }
  });

  it('seeds the price projection from the catalogue', async () => {
    const rows = await queryTestDatabase<{
      productId: string;
      name: string;
      amount: number;
      currency: string;
    }>(databaseUrl, 'SELECT "productId", "name", "amount", "currency" FROM "ProductPrice"');
    expect(rows).toHaveLength(seedData.products.length);
    const product = seedData.products[0]!;
    expect(rows.find((row) => row.productId === product.id)).toEqual({
      productId: product.id,
      name: product.name,
      amount: product.price.amount,
      currency: product.price.currency,
    });
  });

  it('lists status changes made within one millisecond in the order they were made', async () => {
    const order = seedData.deliveredOrders[1]!;
    // A saga step that fails at once moves an order twice within a millisecond of `at`.
    const at = '2031-01-01T00:00:00.000Z';
    const made = ['CANCELLED', 'PENDING', 'SHIPPED', 'PAID', 'DELIVERED', 'CANCELLED', 'PAID'];
    for (const status of made) {
      await queryTestDatabase(
        databaseUrl,
        `INSERT INTO "OrderStatusHistory" (id, "orderId", status, actor, at)
         VALUES (gen_random_uuid(), $1, $2::"OrderStatus", 'system', $3)`,
        [order.id, status, at],
      );
    }
    try {
      const result = await query(
        `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Order { statusHistory { status at } } } }`,
        { reps: [{ __typename: 'Order', id: order.id }] },
      );
      expect(result.errors).toBeUndefined();
      const [entity] = (result.data as { _entities: Pick<OrderEntity, 'statusHistory'>[] })
        ._entities;
      const history = entity!.statusHistory.map((change) => change.status);
      expect(history).toEqual(['PENDING', 'PAID', 'SHIPPED', 'DELIVERED', ...made]);
    } finally {
      await queryTestDatabase(
        databaseUrl,
        `DELETE FROM "OrderStatusHistory" WHERE "orderId" = $1 AND at = $2`,
        [order.id, at],
      );
    }
  });

  it('refuses an order item with quantity 0 at the database', async () => {
    const order = seedData.deliveredOrders[0]!;
    await expect(
      queryTestDatabase(
        databaseUrl,
        `INSERT INTO "OrderItem" ("id", "orderId", "productId", "productName", "quantity", "unitPriceAmount", "unitPriceCurrency")
         VALUES (gen_random_uuid(), $1, $2, 'Nothing', 0, 100, 'USD')`,
        [order.id, order.items[0]!.productId],
      ),
    ).rejects.toThrow(/OrderItem_quantity_positive/);
  });

  describe('who may see an order', () => {
    const [own, other] = seedData.deliveredOrders.filter(
      (order, index, all) => all.findIndex((first) => first.userId === order.userId) === index,
    );
    const buyer = userIdentity(own!.userId);
    const stranger = userIdentity(other!.userId);
    const ORDER = 'query($id: ID!) { order(id: $id) { id buyer { id } items { productName } } }';
    const ORDER_REFS =
      'query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Order { id buyer { id } } } }';

    const refusal = (result: Awaited<ReturnType<typeof query>>) => ({
      data: result.data,
      errors: result.errors?.map((error) => ({
        message: error.message,
        code: error.extensions?.code,
        path: error.path,
      })),
    });

    it('shows the buyer their own order', async () => {
      const result = await queryAs(buyer, ORDER, { id: own!.id });
      expect(result.errors).toBeUndefined();
      expect(result.data).toMatchObject({ order: { id: own!.id, buyer: { id: own!.userId } } });
    });

    it('answers another customer’s order exactly as an unknown one: NOT_FOUND', async () => {
      const foreign = await queryAs(stranger, ORDER, { id: own!.id });
      const unknown = await queryAs(stranger, ORDER, { id: UNKNOWN_ID });
      expect(refusal(foreign)).toEqual({
        data: { order: null },
        errors: [{ message: 'Order not found', code: 'NOT_FOUND', path: ['order'] }],
      });
      expect(refusal(unknown)).toEqual(refusal(foreign));
    });

    it('refuses order(id) without a signed-in user: UNAUTHENTICATED', async () => {
      const result = await queryAs({ kind: 'anonymous' }, ORDER, { id: own!.id });
      expect(result.data).toEqual({ order: null });
      expect(result.errors?.map((error) => error.extensions?.code)).toEqual(['UNAUTHENTICATED']);
    });

    it('shows any order to an ADMIN and to an internal service', async () => {
      const service: Identity = { kind: 'service', service: 'payments', scopes: [] };
      for (const identity of [ADMIN_IDENTITY, service]) {
        const result = await queryAs(identity, ORDER, { id: other!.id });
        expect(result.errors).toBeUndefined();
        expect(result.data).toMatchObject({ order: { id: other!.id } });
      }
    });

    it('resolves forged Order references of another customer to null, in one batch', async () => {
      const byIds = jest.spyOn(OrderService.prototype, 'byIds');
      try {
        const result = await queryAs(buyer, ORDER_REFS, {
          reps: [own!.id, other!.id, UNKNOWN_ID].map((id) => ({ __typename: 'Order', id })),
        });
        expect(result.errors).toBeUndefined();
        expect(result.data).toEqual({
          _entities: [{ id: own!.id, buyer: { id: own!.userId } }, null, null],
        });
        expect(byIds).toHaveBeenCalledTimes(1);
      } finally {
        byIds.mockRestore();
      }
    });

    it('gives User.orders to the user and ADMINs; to others null with NOT_FOUND', async () => {
      const mine = await userOrdersAs(buyer, [own!.userId, other!.userId], 10);
      const users = (mine.data as { _entities: { id: string; orders: OrdersPage | null }[] })
        ._entities;
      expect(users[0]!.orders!.edges.map((edge) => edge.node.id)).toEqual(
        ordersOf(own!.userId).map((order) => order.id),
      );
      expect(users[1]).toEqual({ id: other!.userId, orders: null });
      expect(refusal(mine).errors).toEqual([
        { message: 'User not found', code: 'NOT_FOUND', path: ['_entities', 1, 'orders'] },
      ]);

      const admin = await userOrdersAs(ADMIN_IDENTITY, [other!.userId], 10);
      expect(admin.errors).toBeUndefined();
      expect(
        (admin.data as { _entities: { orders: OrdersPage }[] })._entities[0]!.orders.totalCount,
      ).toBe(ordersOf(other!.userId).length);

      const later = await userOrdersAs(
        buyer,
        [other!.userId],
        1,
        users[0]!.orders!.pageInfo.endCursor!,
      );
      expect(later.data).toEqual({ _entities: [{ id: other!.userId, orders: null }] });
      expect(later.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');

      const anonymous = await userOrdersAs({ kind: 'anonymous' }, [own!.userId], 10);
      expect(anonymous.data).toEqual({ _entities: [{ id: own!.userId, orders: null }] });
      expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    });

    it('refuses requests without a signed identity with HTTP 401 and no data', async () => {
      const unsigned = await graphqlRequest(subgraph.url, ORDER_REFS, {
        reps: [{ __typename: 'Order', id: own!.id }],
      });
      const wrongSecret = await graphqlRequest(
        subgraph.url,
        ORDER_REFS,
        { reps: [{ __typename: 'Order', id: own!.id }] },
        { [IDENTITY_HEADER]: signIdentity(ADMIN_IDENTITY, 'not-the-shared-secret') },
      );
      for (const result of [unsigned, wrongSecret]) {
        expect(result.status).toBe(401);
        expect(result.data ?? null).toBeNull();
        expect(result.errors?.map((error) => error.extensions?.code)).toEqual(['UNAUTHENTICATED']);
        expect(JSON.stringify(result.body)).not.toContain(own!.userId);
      }
    });
  });
});
