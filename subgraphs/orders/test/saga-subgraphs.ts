import { randomUUID } from 'node:crypto';
import { createEventBus, Outbox, type EventEnvelope } from '@shop/events';
import type { Identity } from '@shop/identity';
import { loadInventoryConfig, startInventorySubgraph, type InventoryConfig } from '@shop/inventory';
import {
  loadOrdersConfig,
  startOrdersSubgraph,
  type OrdersConfig,
  type ServiceUrls,
} from '@shop/orders';
import { loadPaymentsConfig, startPaymentsSubgraph } from '@shop/payments';
import { createLogger } from '@shop/platform';
import { seedData } from '@shop/seed';
import { createServices } from '../src/context';
import { ORDERS_STREAM, type Database } from '../src/db';
import {
  ADMIN_IDENTITY,
  graphqlRequest,
  identityHeaders,
  prepareTestDatabase,
  queryTestDatabase,
  TcpRelay,
  testEventsSettings,
  testSubgraphSettings,
  unreachableGraphqlUrl,
  userIdentity,
} from '@shop/testing';
import { loadUsersConfig, startUsersSubgraph } from '@shop/users';

type Started = { url: string; stop(): Promise<void> };

export const APPROVES = '4242424242424242';
export const DECLINES = '4000000000000002';
export const NO_FUNDS = '4000000000009995';

/** The saga's own service identity, for setting up the state a crash leaves behind. */
export const ORDERS_SERVICE: Identity = {
  kind: 'service',
  service: 'orders',
  scopes: ['inventory:reserve', 'payments:charge', 'payments:refund'],
};

const ADD_TO_CART = `mutation($productId: ID!, $quantity: Int!) {
  addToCart(productId: $productId, quantity: $quantity) { id } }`;
const ADD_CARD = `mutation($input: AddPaymentMethodInput!) { addPaymentMethod(input: $input) { id } }`;
const RESTOCK = `mutation($input: RestockInput!) { restock(input: $input) { available } }`;
const RESERVE = `mutation($input: ReserveStockInput!) { reserveStock(input: $input) { id } }`;
const CHARGE = `mutation($input: ChargePaymentInput!) {
  chargePayment(input: $input) { id status } }`;
const [warehouse] = seedData.warehouses;

/** A port that accepts connections and never answers: a sibling hung, overloaded or away. */
export async function silentPort(): Promise<{ url: string; close(): Promise<void> }> {
  // A relay in front of nothing: blackholed, it never connects onward.
  const relay = new TcpRelay(0);
  await relay.listen();
  await relay.switchTo('blackhole');
  return { url: `http://127.0.0.1:${relay.port}/graphql`, close: () => relay.close() };
}

export interface SagaSubgraphsOptions {
  /**
   * Where orders reaches its siblings, given where they are: a test may put
   * something of its own between them (a proxy that holds a call).
   */
  route?: (siblings: ServiceUrls) => Promise<ServiceUrls>;
  /** Where inventory reaches orders, given where orders is: a test may put a proxy between. */
  routeOrders?: (orders: string) => Promise<string>;
  /** Payments' PAYMENT_REVIEW_THRESHOLD, when a test needs charges held for review. */
  paymentReviewThreshold?: number;
  /** Payments' PAYMENT_REVIEW_MAX_PER_CUSTOMER: how many of a buyer's payments may await review. */
  paymentReviewMaxPerCustomer?: number;
}

/**
 * The checkout saga's participants, each a real subgraph on its own test
 * database (users, inventory, payments, then orders calling them), sharing
 * an event bus on the test events database whose orders.events this
 * records. The orders subgraph runs its background work, saga recovery
 * included.
 */
export async function startSagaSubgraphs(options: SagaSubgraphsOptions = {}) {
  const events = await testEventsSettings();
  const bus = createEventBus(events, createLogger('saga-test', 'silent'));
  const running: Started[] = [];
  const published: EventEnvelope[] = [];
  const usersDb = await prepareTestDatabase('users');
  const ordersDb = await prepareTestDatabase('orders');
  const inventoryDb = await prepareTestDatabase('inventory');
  const paymentsDb = await prepareTestDatabase('payments');
  const launch = { seed: true, bus };
  const users = await startUsersSubgraph(
    {
      ...loadUsersConfig({ DATABASE_URL_USERS: usersDb }),
      ...testSubgraphSettings(usersDb),
      ...events,
    },
    launch,
  );
  running.push(users);
  // Inventory's sweeper calls orders, which starts later: its address is set then (the config's
  // services are read at every call). The sweeper looks every 200 ms, for tests of expired holds.
  const inventoryConfig: InventoryConfig = {
    ...loadInventoryConfig({ DATABASE_URL_INVENTORY: inventoryDb }),
    ...testSubgraphSettings(inventoryDb),
    ...events,
    reservationSweep: { intervalMs: 200, batchSize: 10 },
    services: { orders: await unreachableGraphqlUrl() },
  };
  const inventory = await startInventorySubgraph(inventoryConfig, launch);
  running.push(inventory);
  const payments = await startPaymentsSubgraph(
    {
      ...loadPaymentsConfig({
        DATABASE_URL_PAYMENTS: paymentsDb,
        PAYMENT_REVIEW_THRESHOLD: options.paymentReviewThreshold?.toString(),
        PAYMENT_REVIEW_MAX_PER_CUSTOMER: options.paymentReviewMaxPerCustomer?.toString(),
      }),
      ...testSubgraphSettings(paymentsDb),
      ...events,
      poolSize: 10,
    },
    launch,
  );
  running.push(payments);
  const siblings = { users: users.url, inventory: inventory.url, payments: payments.url };
  const ordersConfig: OrdersConfig = {
    ...loadOrdersConfig({ DATABASE_URL_ORDERS: ordersDb }),
    ...testSubgraphSettings(ordersDb),
    ...events,
    poolSize: 10,
    services: options.route ? await options.route(siblings) : siblings,
  };
  const orders = await startOrdersSubgraph(ordersConfig, launch);
  running.push(orders);
  inventoryConfig.services.orders = options.routeOrders
    ? await options.routeOrders(orders.url)
    : orders.url;
  const urls = { users: usersDb, orders: ordersDb, inventory: inventoryDb, payments: paymentsDb };
  const watch = bus.subscribe({
    stream: 'orders.events',
    group: `saga-test-${randomUUID()}`,
    handler: async (events: EventEnvelope[]) => {
      published.push(...events);
    },
  });

  const as = <Data = Record<string, unknown>>(
    url: string,
    identity: Identity,
    query: string,
    variables?: Record<string, unknown>,
  ) => graphqlRequest<Data>(url, query, variables, identityHeaders(identity));

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

  /** The product's stock row in inventory's one warehouse: on hand and held. */
  async function stockOf(productId: string) {
    const [level] = await queryTestDatabase<{ onHand: number; reserved: number }>(
      urls.inventory,
      `SELECT "onHand", "reserved" FROM "StockLevel" WHERE "productId" = $1`,
      [productId],
    );
    return level;
  }

  /** Holds `quantity` units for an order id through inventory, as the saga's reserve step does. */
  async function reserveFor(orderId: string, productId: string, quantity: number) {
    const reserved = await as<{ reserveStock: { id: string } }>(
      inventory.url,
      ORDERS_SERVICE,
      RESERVE,
      {
        input: {
          orderId,
          idempotencyKey: `order:${orderId}:reserve`,
          lines: [{ productId, quantity }],
          ttlSeconds: 600,
        },
      },
    );
    expect(reserved.errors).toBeUndefined();
    return reserved.data!.reserveStock.id;
  }

  /**
   * An order of one line as a saga stopped at `sagaStep` leaves it (PENDING
   * unless `status` says otherwise), written without its events: fresh, so
   * the recovery job leaves it to the test.
   */
  async function storeOrder(
    buyer: {
      userId: string;
      input: { idempotencyKey: string; addressId: string; paymentMethodId?: string };
    },
    productId: string,
    state: {
      id: string;
      sagaStep: string;
      status?: string;
      quantity: number;
      amount: number;
      reservationId?: string;
      paymentId?: string;
    },
  ) {
    await queryTestDatabase(
      urls.orders,
      `WITH o AS (
         INSERT INTO "Order" ("id", "userId", "status", "totalAmount", "totalCurrency", "idempotencyKey",
           "addressId", "paymentMethodId", "shipLine1", "shipCity", "shipPostalCode", "shipCountry",
           "sagaStep", "reservationId", "paymentId", "updatedAt")
         VALUES ($1, $2, $13::"OrderStatus", $3, 'USD', $4, $5, $6, '1 Test Street', 'Testville', '12345', 'DE',
           $7::"SagaStep", $8, $9, now() AT TIME ZONE 'UTC')
         RETURNING "id")
       INSERT INTO "OrderItem" ("id", "orderId", "productId", "productName", "quantity",
         "unitPriceAmount", "unitPriceCurrency")
       SELECT gen_random_uuid(), o."id", $10, 'Test product', $11, $12, 'USD' FROM o`,
      [
        state.id,
        buyer.userId,
        state.quantity * state.amount,
        buyer.input.idempotencyKey,
        buyer.input.addressId,
        buyer.input.paymentMethodId,
        state.sagaStep,
        state.reservationId ?? null,
        state.paymentId ?? null,
        productId,
        state.quantity,
        state.amount,
        state.status ?? 'PENDING',
      ],
    );
  }

  /**
   * Charges `amount` for an order id through payments, as the saga's charge step does (its key,
   * a 13-minute hold while a review is open); answers the payment.
   */
  async function chargeFor(
    orderId: string,
    buyer: { userId: string; input: { paymentMethodId?: string } },
    amount: number,
  ): Promise<{ id: string; status: string }> {
    const charged = await as<{ chargePayment: { id: string; status: string } }>(
      payments.url,
      ORDERS_SERVICE,
      CHARGE,
      {
        input: {
          orderId,
          userId: buyer.userId,
          paymentMethodId: buyer.input.paymentMethodId,
          amount,
          currency: 'USD',
          idempotencyKey: `order:${orderId}:payment`,
          ttlSeconds: 780,
        },
      },
    );
    expect(charged.errors).toBeUndefined();
    return charged.data!.chargePayment;
  }

  /**
   * `amount` authorized for an order id, uncaptured, as the saga's first step left it before
   * the charge replaced authorizing and capturing apart (its key, a 14-minute hold): an order
   * such a saga began, for a rolling deploy to finish. Answers the payment's id.
   */
  async function authorizedEarlierFor(
    orderId: string,
    buyer: { userId: string; input: { paymentMethodId?: string } },
    amount: number,
  ): Promise<string> {
    const [payment] = await queryTestDatabase<{ id: string }>(
      urls.payments,
      `INSERT INTO "Payment" ("id", "orderId", "userId", "paymentMethodId", "idempotencyKey",
                              "amount", "currency", "status", "processorRef",
                              "authorizationExpiresAt", "updatedAt")
       VALUES (gen_random_uuid(), $1, $2, $3, $4, $5, 'USD', 'AUTHORIZED', 'au_earlier',
               (now() AT TIME ZONE 'UTC') + interval '14 minutes', now() AT TIME ZONE 'UTC')
       RETURNING "id"::text`,
      [orderId, buyer.userId, buyer.input.paymentMethodId, `order:${orderId}:payment`, amount],
    );
    return payment!.id;
  }

  /** The statuses of the order's reservations in inventory: none when no stock was ever held. */
  async function reservationsOf(orderId: string): Promise<string[]> {
    const rows = await queryTestDatabase<{ status: string }>(
      urls.inventory,
      `SELECT "status"::text FROM "Reservation" WHERE "orderId" = $1`,
      [orderId],
    );
    return rows.map((row) => row.status);
  }

  function paymentsOf(orderId: string) {
    return queryTestDatabase<{ status: string; amount: number }>(
      urls.payments,
      `SELECT "status"::text, "amount" FROM "Payment" WHERE "orderId" = $1`,
      [orderId],
    );
  }

  /**
   * Another orders instance's services on `db` (a connection of the test's
   * own to orders' database), reaching its siblings at `services`: a second
   * driver of the sagas, whose events wait in the shared outbox for the
   * running orders' relay.
   */
  function anotherOrdersInstance(db: Database, services: ServiceUrls = ordersConfig.services) {
    return createServices(
      db,
      { ...ordersConfig, services },
      {
        outbox: new Outbox(ORDERS_STREAM, db.schema),
        pubSub: orders.pubSub,
        log: createLogger('second-orders', 'silent'),
      },
    );
  }

  /** One order's status, saga step and failure code. */
  async function orderRow(id: string) {
    const [row] = await queryTestDatabase<{
      status: string;
      sagaStep: string;
      failureCode: string | null;
    }>(
      urls.orders,
      `SELECT "status"::text, "sagaStep"::text, "failureCode" FROM "Order" WHERE "id" = $1`,
      [id],
    );
    return row;
  }

  function ordersOf(userId: string) {
    return queryTestDatabase<{ id: string; status: string; sagaStep: string; failureCode: string }>(
      urls.orders,
      `SELECT "id"::text, "status"::text, "sagaStep"::text, "failureCode" FROM "Order" WHERE "userId" = $1`,
      [userId],
    );
  }

  return {
    users,
    inventory,
    payments,
    orders,
    /** What orders was started with, for a test that drives its services itself. */
    ordersConfig,
    /** What inventory was started with: its services are read at every call. */
    inventoryConfig,
    urls,
    /** Every event of orders.events so far, in publishing order. */
    published,
    /** The bus every subgraph here shares: a test may publish as a subgraph would. */
    bus,
    as,
    newProduct,
    newBuyer,
    availableOf,
    stockOf,
    reserveFor,
    storeOrder,
    chargeFor,
    authorizedEarlierFor,
    reservationsOf,
    paymentsOf,
    anotherOrdersInstance,
    orderRow,
    ordersOf,
    async stop() {
      await watch.stop();
      for (const subgraph of running.reverse()) await subgraph.stop();
      await bus.close();
    },
  };
}

export type SagaSubgraphs = Awaited<ReturnType<typeof startSagaSubgraphs>>;
