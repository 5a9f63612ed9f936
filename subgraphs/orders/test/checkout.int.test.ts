import { randomUUID } from 'node:crypto';
import { InProcessEventBus, type EventEnvelope } from '@shop/events';
import type { Identity } from '@shop/identity';
import { loadInventoryConfig, startInventorySubgraph } from '@shop/inventory';
import { loadOrdersConfig, startOrdersSubgraph, type OrdersConfig } from '@shop/orders';
import { loadPaymentsConfig, startPaymentsSubgraph } from '@shop/payments';
import { createLogger } from '@shop/platform';
import { seedData } from '@shop/seed';
import {
  ADMIN_IDENTITY,
  graphqlRequest,
  identityHeaders,
  prepareTestDatabase,
  queryTestDatabase,
  testSubgraphSettings,
  userIdentity,
  eventually,
} from '@shop/testing';
import { loadUsersConfig, startUsersSubgraph } from '@shop/users';

type Started = { url: string; stop(): Promise<void> };

interface GraphQLErrorView {
  message: string;
  extensions?: Record<string, unknown>;
}

interface CheckoutView {
  id: string;
  status: string;
  total: { amount: number; currency: string };
  items: { product: { id: string }; quantity: number; unitPrice: { amount: number } }[];
  shippingAddress: { line1: string; city: string; postalCode: string; country: string };
}

const CHECKOUT = `mutation($input: CheckoutInput!) {
  checkout(input: $input) {
    id status total { amount currency }
    items { product { id } quantity unitPrice { amount currency } }
    shippingAddress { line1 city postalCode country }
  }
}`;
const ADD_TO_CART = `mutation($productId: ID!, $quantity: Int!) {
  addToCart(productId: $productId, quantity: $quantity) { id } }`;
const CART = `query { cart { items { product { id } quantity } } }`;
const ADD_CARD = `mutation($input: AddPaymentMethodInput!) { addPaymentMethod(input: $input) { id } }`;
const RESTOCK = `mutation($input: RestockInput!) { restock(input: $input) { available } }`;

const APPROVES = '4242424242424242';
const DECLINES = '4000000000000002';
const [warehouse] = seedData.warehouses;

describe('checkout saga across users, inventory, payments and orders (real PostgreSQL)', () => {
  const bus = new InProcessEventBus(createLogger('checkout-test', 'silent'));
  const running: Started[] = [];
  const paidEvents: EventEnvelope[] = [];
  let stopWatching: () => Promise<void>;
  let orders: Started;
  let inventory: Started;
  let payments: Started;
  let urls: { users: string; orders: string; inventory: string; payments: string };

  beforeAll(async () => {
    const usersDb = await prepareTestDatabase('users');
    const ordersDb = await prepareTestDatabase('orders');
    const inventoryDb = await prepareTestDatabase('inventory');
    const paymentsDb = await prepareTestDatabase('payments');
    const options = { seed: true, bus };
    const users = await startUsersSubgraph(
      { ...loadUsersConfig({ DATABASE_URL_USERS: usersDb }), ...testSubgraphSettings(usersDb) },
      options,
    );
    running.push(users);
    inventory = await startInventorySubgraph(
      {
        ...loadInventoryConfig({ DATABASE_URL_INVENTORY: inventoryDb }),
        ...testSubgraphSettings(inventoryDb),
      },
      options,
    );
    running.push(inventory);
    payments = await startPaymentsSubgraph(
      {
        ...loadPaymentsConfig({ DATABASE_URL_PAYMENTS: paymentsDb }),
        ...testSubgraphSettings(paymentsDb),
        poolSize: 10,
      },
      options,
    );
    running.push(payments);
    const ordersConfig: OrdersConfig = {
      ...loadOrdersConfig({ DATABASE_URL_ORDERS: ordersDb }),
      ...testSubgraphSettings(ordersDb),
      poolSize: 10,
      services: { users: users.url, inventory: inventory.url, payments: payments.url },
    };
    orders = await startOrdersSubgraph(ordersConfig, options);
    running.push(orders);
    urls = { users: usersDb, orders: ordersDb, inventory: inventoryDb, payments: paymentsDb };
    const subscription = bus.subscribe({
      stream: 'orders.events',
      group: `checkout-test-${randomUUID()}`,
      handler: async (event: EventEnvelope) => {
        if (event.type === 'OrderPaid') paidEvents.push(event);
      },
    });
    stopWatching = () => subscription.stop();
  });

  afterAll(async () => {
    await stopWatching();
    for (const subgraph of running.reverse()) await subgraph.stop();
    await bus.close();
  });

  const as = <Data = Record<string, unknown>>(
    url: string,
    identity: Identity,
    query: string,
    variables?: Record<string, unknown>,
  ) => graphqlRequest<Data>(url, query, variables, identityHeaders(identity));

  const checkout = (identity: Identity, input: Record<string, unknown>) =>
    as<{ checkout: CheckoutView }>(orders.url, identity, CHECKOUT, { input });

  /** A product only this test uses: priced in orders, `stock` units in one warehouse. */
  async function newProduct(stock: number, amount = 1_250): Promise<string> {
    const productId = randomUUID();
    await queryTestDatabase(
      urls.orders,
      `INSERT INTO "ProductPrice" ("productId", "name", "amount", "currency", "updatedAt")
       VALUES ($1, $2, $3, 'USD', now())`,
      [productId, `Test product ${productId.slice(0, 8)}`, amount],
    );
    const restocked = await as(inventory.url, ADMIN_IDENTITY, RESTOCK, {
      input: { productId, warehouseId: warehouse?.id, quantity: stock },
    });
    expect(restocked.errors).toBeUndefined();
    return productId;
  }

  /** A customer with an address (in users), a card (in payments) and `productId` in the cart. */
  async function newBuyer(productId: string, quantity = 1, card = APPROVES) {
    const userId = randomUUID();
    const addressId = randomUUID();
    await queryTestDatabase(
      urls.users,
      `INSERT INTO "User" ("id", "email", "name", "passwordHash", "updatedAt")
       VALUES ($1, $2, 'Buyer', 'scrypt$x', now())`,
      [userId, `buyer-${userId}@example.test`],
    );
    await queryTestDatabase(
      urls.users,
      `INSERT INTO "Address" ("id", "userId", "line1", "city", "postalCode", "country")
       VALUES ($1, $2, '1 Test Street', 'Testville', '12345', 'DE')`,
      [addressId, userId],
    );
    const identity = userIdentity(userId);
    const added = await as<{ addPaymentMethod: { id: string } }>(payments.url, identity, ADD_CARD, {
      input: { cardNumber: card, expMonth: 12, expYear: 2031, cvc: '123' },
    });
    expect(added.errors).toBeUndefined();
    const cart = await as(orders.url, identity, ADD_TO_CART, { productId, quantity });
    expect(cart.errors).toBeUndefined();
    const paymentMethodId = added.data?.addPaymentMethod.id;
    return {
      userId,
      identity,
      input: { addressId, paymentMethodId, idempotencyKey: randomUUID() },
    };
  }

  async function availableOf(productId: string): Promise<number> {
    const [row] = await queryTestDatabase<{ available: string | null }>(
      urls.inventory,
      `SELECT sum("onHand" - "reserved")::text AS available FROM "StockLevel" WHERE "productId" = $1`,
      [productId],
    );
    return Number(row?.available ?? 0);
  }

  async function paymentsOf(orderId: string) {
    return queryTestDatabase<{ status: string; amount: number }>(
      urls.payments,
      `SELECT "status"::text, "amount" FROM "Payment" WHERE "orderId" = $1`,
      [orderId],
    );
  }

  async function ordersOf(userId: string) {
    return queryTestDatabase<{ id: string; status: string; sagaStep: string; failureCode: string }>(
      urls.orders,
      `SELECT "id"::text, "status"::text, "sagaStep"::text, "failureCode" FROM "Order" WHERE "userId" = $1`,
      [userId],
    );
  }

  it('orders the cart: PAID, charged, stock taken, cart emptied, OrderPaid published', async () => {
    const productId = await newProduct(10, 1_250);
    const buyer = await newBuyer(productId, 3);

    const result = await checkout(buyer.identity, buyer.input);

    expect(result.errors).toBeUndefined();
    const order = result.data?.checkout;
    expect(order).toMatchObject({
      status: 'PAID',
      total: { amount: 3_750, currency: 'USD' },
      items: [{ product: { id: productId }, quantity: 3, unitPrice: { amount: 1_250 } }],
      shippingAddress: { line1: '1 Test Street', city: 'Testville', country: 'DE' },
    });
    expect(await paymentsOf(order?.id ?? '')).toEqual([{ status: 'SUCCEEDED', amount: 3_750 }]);
    expect(await availableOf(productId)).toBe(7);
    const [level] = await queryTestDatabase<{ onHand: number; reserved: number }>(
      urls.inventory,
      `SELECT "onHand", "reserved" FROM "StockLevel" WHERE "productId" = $1`,
      [productId],
    );
    expect(level).toEqual({ onHand: 7, reserved: 0 });
    const cart = await as<{ cart: { items: unknown[] } }>(orders.url, buyer.identity, CART);
    expect(cart.data?.cart.items).toEqual([]);
    expect(await ordersOf(buyer.userId)).toEqual([
      expect.objectContaining({ status: 'PAID', sagaStep: 'COMPLETED' }),
    ]);
    await eventually(() =>
      expect(paidEvents.find((event) => event.aggregateId === order?.id)?.data).toMatchObject({
        orderId: order?.id,
        userId: buyer.userId,
        total: { amount: 3_750, currency: 'USD' },
        items: [{ productId, quantity: 3 }],
      }),
    );
  });

  it('answers PAYMENT_DECLINED for a declined card, cancels the order and gives the stock back', async () => {
    const productId = await newProduct(4);
    const buyer = await newBuyer(productId, 2, DECLINES);

    const result = await checkout(buyer.identity, buyer.input);

    const [error] = (result.errors ?? []) as GraphQLErrorView[];
    expect(error?.extensions).toMatchObject({ code: 'PAYMENT_DECLINED' });
    const [order] = await ordersOf(buyer.userId);
    expect(order).toMatchObject({
      status: 'CANCELLED',
      sagaStep: 'COMPENSATED',
      failureCode: 'PAYMENT_DECLINED',
    });
    expect(await availableOf(productId)).toBe(4);
    expect(await paymentsOf(order?.id ?? '')).toEqual([{ status: 'DECLINED', amount: 2_500 }]);
    // Asked again, the same key answers the same outcome without charging again.
    const again = await checkout(buyer.identity, buyer.input);
    expect((again.errors as GraphQLErrorView[])[0]?.extensions?.code).toBe('PAYMENT_DECLINED');
    expect(await paymentsOf(order?.id ?? '')).toHaveLength(1);
  });

  it('answers OUT_OF_STOCK naming the product, and charges nothing', async () => {
    const productId = await newProduct(1);
    const buyer = await newBuyer(productId, 2);

    const result = await checkout(buyer.identity, buyer.input);

    const [error] = (result.errors ?? []) as GraphQLErrorView[];
    expect(error?.extensions).toMatchObject({ code: 'OUT_OF_STOCK', productId });
    const [order] = await ordersOf(buyer.userId);
    expect(order).toMatchObject({ status: 'CANCELLED', failureCode: 'OUT_OF_STOCK' });
    expect(await paymentsOf(order?.id ?? '')).toEqual([]);
    expect(await availableOf(productId)).toBe(1);
  });

  it('refuses an empty cart and an address that is not the buyer’s', async () => {
    const productId = await newProduct(5);
    const buyer = await newBuyer(productId);
    const other = await newBuyer(productId);

    const stolen = await checkout(buyer.identity, {
      ...buyer.input,
      addressId: other.input.addressId,
    });
    expect((stolen.errors as GraphQLErrorView[])[0]?.extensions?.code).toBe('NOT_FOUND');

    const stranger = userIdentity(randomUUID());
    const empty = await checkout(stranger, { ...buyer.input, idempotencyKey: randomUUID() });
    expect((empty.errors as GraphQLErrorView[])[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(await ordersOf(buyer.userId)).toEqual([]);
  });

  it('answers the same order for the same key, charging once', async () => {
    const productId = await newProduct(5, 900);
    const buyer = await newBuyer(productId);

    const first = await checkout(buyer.identity, buyer.input);
    const second = await checkout(buyer.identity, buyer.input);

    expect(first.errors).toBeUndefined();
    expect(second.data?.checkout.id).toBe(first.data?.checkout.id);
    expect(await paymentsOf(first.data?.checkout.id ?? '')).toEqual([
      { status: 'SUCCEEDED', amount: 900 },
    ]);
    expect(await availableOf(productId)).toBe(4);
  });

  it('makes one order and one charge of 10 concurrent identical checkouts', async () => {
    const productId = await newProduct(5, 700);
    const buyer = await newBuyer(productId);

    const results = await Promise.all(
      Array.from({ length: 10 }, () => checkout(buyer.identity, buyer.input)),
    );

    expect(results.flatMap((result) => result.errors ?? [])).toEqual([]);
    const ids = new Set(results.map((result) => result.data?.checkout.id));
    expect(ids.size).toBe(1);
    const orderRows = await ordersOf(buyer.userId);
    expect(orderRows).toHaveLength(1);
    expect(await paymentsOf(orderRows[0]?.id ?? '')).toEqual([
      { status: 'SUCCEEDED', amount: 700 },
    ]);
    expect(await availableOf(productId)).toBe(4);
  });

  it('never oversells: stock 5, 20 buyers at once → 5 PAID, 15 OUT_OF_STOCK', async () => {
    const productId = await newProduct(5, 1_000);
    const buyers = await Promise.all(Array.from({ length: 20 }, () => newBuyer(productId)));

    const results = await Promise.all(buyers.map((buyer) => checkout(buyer.identity, buyer.input)));

    const paid = results.filter((result) => result.data?.checkout.status === 'PAID');
    const codes = results.flatMap((result) =>
      ((result.errors ?? []) as GraphQLErrorView[]).map((error) => error.extensions?.code),
    );
    expect(paid).toHaveLength(5);
    expect(codes).toEqual(Array.from({ length: 15 }, () => 'OUT_OF_STOCK'));
    expect(await availableOf(productId)).toBe(0);
    const [captured] = await queryTestDatabase<{ count: string }>(
      urls.payments,
      `SELECT count(*)::text AS count FROM "Payment" WHERE "userId" = ANY($1::uuid[]) AND "status" = 'SUCCEEDED'`,
      [buyers.map((buyer) => buyer.userId)],
    );
    expect(captured?.count).toBe('5');
    const [held] = await queryTestDatabase<{ count: string }>(
      urls.inventory,
      `SELECT count(*)::text AS count FROM "Reservation" WHERE "status" = 'HELD'`,
    );
    expect(held?.count).toBe('0');
  });

  it('recovers a saga interrupted after its reservation: the order ends PAID', async () => {
    const productId = await newProduct(3, 500);
    const buyer = await newBuyer(productId, 2);
    const orderId = randomUUID();
    // The state a crash between the reservation and the charge leaves behind.
    const reserve = `mutation($input: ReserveStockInput!) { reserveStock(input: $input) { id } }`;
    const reserved = await as<{ reserveStock: { id: string } }>(
      inventory.url,
      { kind: 'service', service: 'orders', scopes: ['inventory:reserve'] },
      reserve,
      {
        input: {
          orderId,
          idempotencyKey: `order:${orderId}:reserve`,
          lines: [{ productId, quantity: 2 }],
          ttlSeconds: 600,
        },
      },
    );
    expect(reserved.errors).toBeUndefined();
    await queryTestDatabase(
      urls.orders,
      `WITH o AS (
         INSERT INTO "Order" ("id", "userId", "status", "totalAmount", "totalCurrency", "idempotencyKey",
           "addressId", "paymentMethodId", "shipLine1", "shipCity", "shipPostalCode", "shipCountry",
           "sagaStep", "reservationId", "createdAt", "updatedAt")
         VALUES ($1, $2, 'PENDING', 1000, 'USD', $3, $4, $5, '1 Test Street', 'Testville', '12345', 'DE',
           'STOCK_RESERVED', $6, now() - interval '1 minute', now() - interval '1 minute')
         RETURNING "id")
       INSERT INTO "OrderItem" ("id", "orderId", "productId", "productName", "quantity",
         "unitPriceAmount", "unitPriceCurrency")
       SELECT gen_random_uuid(), o."id", $7, 'Test product', 2, 500, 'USD' FROM o`,
      [
        orderId,
        buyer.userId,
        buyer.input.idempotencyKey,
        buyer.input.addressId,
        buyer.input.paymentMethodId,
        reserved.data?.reserveStock.id,
        productId,
      ],
    );
    expect(await availableOf(productId)).toBe(1);

    await eventually(async () =>
      expect(await ordersOf(buyer.userId)).toEqual([
        expect.objectContaining({ id: orderId, status: 'PAID', sagaStep: 'COMPLETED' }),
      ]),
    );
    expect(await paymentsOf(orderId)).toEqual([{ status: 'SUCCEEDED', amount: 1_000 }]);
    const [level] = await queryTestDatabase<{ onHand: number; reserved: number }>(
      urls.inventory,
      `SELECT "onHand", "reserved" FROM "StockLevel" WHERE "productId" = $1`,
      [productId],
    );
    expect(level).toEqual({ onHand: 1, reserved: 0 });
  });
});
