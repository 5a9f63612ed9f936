import { randomUUID } from 'node:crypto';
import { createEventBus, type EventBus, type EventEnvelope, type Subscription } from '@shop/events';
import type { Identity } from '@shop/identity';
import { loadOrdersConfig, startOrdersSubgraph } from '@shop/orders';
import { createLogger } from '@shop/platform';
import { seedData } from '@shop/seed';
import {
  ADMIN_IDENTITY,
  graphqlRequest,
  identityHeaders,
  prepareTestDatabase,
  queryTestDatabase,
  testEventsSettings,
  testSubgraphSettings,
  userIdentity,
  envelopeOf,
  eventually,
  errorCodes,
  countRows,
} from '@shop/testing';
import { insertPaidOrder } from './stored-orders';

type Running = Awaited<ReturnType<typeof startOrdersSubgraph>>;

const ANONYMOUS: Identity = { kind: 'anonymous' };

interface CartResult {
  id: string;
  items: { product: { id: string }; quantity: number }[];
  subtotal: { amount: number; currency: string };
}

const CART_FIELDS = 'id items { product { id } quantity } subtotal { amount currency }';
const CART = `query { cart { ${CART_FIELDS} } }`;
const ADD_TO_CART = `mutation($productId: ID!, $quantity: Int!) {
  addToCart(productId: $productId, quantity: $quantity) { ${CART_FIELDS} } }`;
const UPDATE_CART_ITEM = `mutation($productId: ID!, $quantity: Int!) {
  updateCartItem(productId: $productId, quantity: $quantity) { ${CART_FIELDS} } }`;
const ADVANCE_ORDER = `mutation($id: ID!, $to: OrderStatus!) {
  advanceOrder(id: $id, to: $to) { id status statusHistory { status } } }`;

const newCustomer = () => userIdentity(randomUUID());
const [first, second, third] = seedData.products;

describe('orders: price projection, cart and fulfilment (real PostgreSQL)', () => {
  let subgraph: Running;
  let databaseUrl: string;
  let bus: EventBus;
  /** Everything the orders subgraph published, as a consumer group of orders.events sees it. */
  const published: EventEnvelope[] = [];
  let tap: Subscription;

  beforeAll(async () => {
    const events = await testEventsSettings();
    bus = createEventBus(events, createLogger('orders-test', 'silent'));
    tap = bus.subscribe({
      stream: 'orders.events',
      group: 'orders-test',
      handler: async (events) => {
        published.push(...events);
      },
    });
    databaseUrl = await prepareTestDatabase('orders');
    subgraph = await startOrdersSubgraph(
      {
        ...loadOrdersConfig({ DATABASE_URL_ORDERS: databaseUrl }),
        ...testSubgraphSettings(databaseUrl),
        ...events,
      },
      { seed: true, bus },
    );
  });
  afterAll(async () => {
    await subgraph.stop();
    await tap.stop();
    await bus.close();
  });

  const call = <Data = Record<string, unknown>>(
    identity: Identity,
    query: string,
    variables?: Record<string, unknown>,
  ) => graphqlRequest<Data>(subgraph.url, query, variables, identityHeaders(identity));

  const sql = <Row extends object>(text: string, params: unknown[] = []) =>
    queryTestDatabase<Row>(databaseUrl, text, params);

  const count = (table: string, where = 'true', params: unknown[] = []) =>
    countRows(databaseUrl, table, where, params);

  /** Publishes into the bus as products would, and waits until orders handled it. */
  const deliver = async (...events: EventEnvelope[]) => {
    await bus.publish('products.events', events);
    const last = events.at(-1)!;
    await eventually(async () =>
      expect(await count('ProcessedEvent', 'id = $1', [last.id])).toBe(1),
    );
  };

  const priceOf = async (productId: string) => {
    const [row] = await sql<{ name: string; amount: number; currency: string; version: number }>(
      'SELECT name, amount, currency, version FROM "ProductPrice" WHERE "productId" = $1',
      [productId],
    );
    return row;
  };

  const snapshot = (productId: string, name: string, amount: number) => ({
    productId,
    name,
    slug: `slug-${productId}`,
    description: 'From the tests.',
    categoryId: randomUUID(),
    categoryName: 'Tests',
    price: { amount, currency: 'USD' },
  });

  const addToCart = (identity: Identity, productId: string, quantity: number) =>
    call<{ addToCart: CartResult }>(identity, ADD_TO_CART, { productId, quantity });
  const updateCartItem = (identity: Identity, productId: string, quantity: number) =>
    call<{ updateCartItem: CartResult }>(identity, UPDATE_CART_ITEM, { productId, quantity });
  const cartOf = async (identity: Identity) => {
    const response = await call<{ cart: CartResult }>(identity, CART);
    expect(response.errors).toBeUndefined();
    return response.data!.cart;
  };

  describe('price projection from products.events', () => {
    it('stores a created product and follows its price changes', async () => {
      const productId = randomUUID();
      await deliver(
        envelopeOf(
          'products.events',
          'ProductCreated',
          productId,
          snapshot(productId, 'Lamp', 1500),
          1,
        ),
      );
      expect(await priceOf(productId)).toEqual({
        name: 'Lamp',
        amount: 1500,
        currency: 'USD',
        version: 1,
      });

      await deliver(
        envelopeOf(
          'products.events',
          'ProductPriceChanged',
          productId,
          {
            ...snapshot(productId, 'Lamp', 1200),
            previousPrice: { amount: 1500, currency: 'USD' },
          },
          2,
        ),
      );
      expect(await priceOf(productId)).toMatchObject({ amount: 1200, version: 2 });
    });

    it('ignores an event older than the row, and a redelivered one', async () => {
      const productId = randomUUID();
      const newer = envelopeOf(
        'products.events',
        'ProductPriceChanged',
        productId,
        { ...snapshot(productId, 'Chair', 4000), previousPrice: { amount: 3000, currency: 'USD' } },
        3,
      );
      await deliver(newer);
      await deliver(
        envelopeOf(
          'products.events',
          'ProductCreated',
          productId,
          snapshot(productId, 'Chair', 3000),
          1,
        ),
      );
      expect(await priceOf(productId)).toMatchObject({ amount: 4000, version: 3 });

      await bus.publish('products.events', [newer]);
      await deliver(
        envelopeOf(
          'products.events',
          'ProductCreated',
          randomUUID(),
          snapshot(randomUUID(), 'x', 1),
          1,
        ),
      );
      expect(await count('ProcessedEvent', 'id = $1', [newer.id])).toBe(1);
    });

    it('lets a product announced by an event go into a cart at its price', async () => {
      const productId = randomUUID();
      await deliver(
        envelopeOf(
          'products.events',
          'ProductCreated',
          productId,
          snapshot(productId, 'Desk', 25000),
          1,
        ),
      );
      const response = await addToCart(newCustomer(), productId, 2);
      expect(response.errors).toBeUndefined();
      expect(response.data!.addToCart.subtotal).toEqual({ amount: 50000, currency: 'USD' });
    });
  });

  describe('cart', () => {
    it('gives a new customer an empty cart whose id stays the same', async () => {
      const customer = newCustomer();
      const cart = await cartOf(customer);
      expect(cart.items).toEqual([]);
      expect(cart.subtotal).toEqual({ amount: 0, currency: 'USD' });
      expect((await cartOf(customer)).id).toBe(cart.id);
      const added = await addToCart(customer, first!.id, 1);
      expect(added.data!.addToCart.id).toBe(cart.id);
    });

    it('adds lines, adds to an existing line and prices the subtotal from the projection', async () => {
      const customer = newCustomer();
      await addToCart(customer, first!.id, 2);
      await addToCart(customer, second!.id, 1);
      const response = await addToCart(customer, first!.id, 3);
      expect(response.errors).toBeUndefined();
      const cart = response.data!.addToCart;
      expect(cart.items).toEqual([
        { product: { id: first!.id }, quantity: 5 },
        { product: { id: second!.id }, quantity: 1 },
      ]);
      expect(cart.subtotal).toEqual({
        amount: 5 * first!.price.amount + second!.price.amount,
        currency: 'USD',
      });
      expect(await cartOf(customer)).toEqual(cart);
    });

    it.each([0, -1, 1000])(
      'refuses to add quantity %i with BAD_USER_INPUT, writing nothing',
      async (quantity) => {
        const customer = newCustomer();
        const before = { carts: await count('Cart'), items: await count('CartItem') };
        const response = await addToCart(customer, first!.id, quantity);
        expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
        expect({ carts: await count('Cart'), items: await count('CartItem') }).toEqual(before);
      },
    );

    it('refuses a line above 999 in total, leaving the line as it was', async () => {
      const customer = newCustomer();
      await addToCart(customer, first!.id, 999);
      const response = await addToCart(customer, first!.id, 1);
      expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
      expect((await cartOf(customer)).items).toEqual([
        { product: { id: first!.id }, quantity: 999 },
      ]);
    });

    it('answers NOT_FOUND for a product without a price, and for a malformed id', async () => {
      const customer = newCustomer();
      for (const productId of [randomUUID(), 'not-a-uuid']) {
        const response = await addToCart(customer, productId, 1);
        expect(errorCodes(response)).toEqual(['NOT_FOUND']);
      }
      expect(
        await count(
          'CartItem',
          '"productId"::text NOT IN (SELECT "productId"::text FROM "ProductPrice")',
        ),
      ).toBe(0);
    });

    it('updates a quantity, removes the line at 0 and refuses negatives', async () => {
      const customer = newCustomer();
      await addToCart(customer, first!.id, 1);
      await addToCart(customer, second!.id, 1);

      const updated = await updateCartItem(customer, first!.id, 4);
      expect(updated.errors).toBeUndefined();
      expect(updated.data!.updateCartItem.items).toContainEqual({
        product: { id: first!.id },
        quantity: 4,
      });

      const negative = await updateCartItem(customer, first!.id, -1);
      expect(errorCodes(negative)).toEqual(['BAD_USER_INPUT']);

      const removed = await updateCartItem(customer, first!.id, 0);
      expect(removed.data!.updateCartItem.items).toEqual([
        { product: { id: second!.id }, quantity: 1 },
      ]);
      expect(removed.data!.updateCartItem.subtotal).toEqual({
        amount: second!.price.amount,
        currency: 'USD',
      });
    });

    it('answers NOT_FOUND when the product is not in the cart, or there is no cart', async () => {
      const customer = newCustomer();
      expect(errorCodes(await updateCartItem(customer, first!.id, 1))).toEqual(['NOT_FOUND']);
      await addToCart(customer, first!.id, 1);
      expect(errorCodes(await updateCartItem(customer, third!.id, 1))).toEqual(['NOT_FOUND']);
      expect(errorCodes(await updateCartItem(customer, third!.id, 0))).toEqual(['NOT_FOUND']);
    });

    it('shows each customer only their own cart', async () => {
      const alice = newCustomer();
      const bob = newCustomer();
      await addToCart(alice, first!.id, 2);
      await addToCart(bob, second!.id, 7);
      const [aliceCart, bobCart] = [await cartOf(alice), await cartOf(bob)];
      expect(aliceCart.id).not.toBe(bobCart.id);
      expect(aliceCart.items).toEqual([{ product: { id: first!.id }, quantity: 2 }]);
      expect(bobCart.items).toEqual([{ product: { id: second!.id }, quantity: 7 }]);
      // Bob cannot touch Alice's line: his cart has no such product.
      expect(errorCodes(await updateCartItem(bob, first!.id, 0))).toEqual(['NOT_FOUND']);
      expect((await cartOf(alice)).items).toHaveLength(1);
    });

    it('refuses anonymous callers with UNAUTHENTICATED', async () => {
      expect(errorCodes(await call(ANONYMOUS, CART))).toEqual(['UNAUTHENTICATED']);
      expect(errorCodes(await addToCart(ANONYMOUS, first!.id, 1))).toEqual(['UNAUTHENTICATED']);
      expect(errorCodes(await updateCartItem(ANONYMOUS, first!.id, 1))).toEqual([
        'UNAUTHENTICATED',
      ]);
    });

    it('keeps every unit of concurrent adds, with one cart per user', async () => {
      const customer = newCustomer();
      if (customer.kind !== 'user') throw new Error('a user identity');
      const responses = await Promise.all(
        Array.from({ length: 12 }, () => addToCart(customer, first!.id, 2)),
      );
      expect(responses.flatMap((response) => errorCodes(response))).toEqual([]);
      expect((await cartOf(customer)).items).toEqual([
        { product: { id: first!.id }, quantity: 24 },
      ]);
      expect(await count('Cart', '"userId" = $1', [customer.userId])).toBe(1);
    });
  });

  describe('money bounds: no total beyond what an Int holds', () => {
    /** The largest amount of minor units a cart or an order may total: GraphQL's Int, PostgreSQL's integer. */
    const MAX_AMOUNT = 2_147_483_647;
    const CHECKOUT = `mutation($input: CheckoutInput!) { checkout(input: $input) { id } }`;

    /** A product announced to orders at `amount`, as products would. */
    const pricedProduct = async (amount: number) => {
      const productId = randomUUID();
      await deliver(
        envelopeOf(
          'products.events',
          'ProductCreated',
          productId,
          snapshot(productId, 'Dear', amount),
          1,
        ),
      );
      return productId;
    };
    const rowsOf = async (userId: string) => ({
      carts: await count('Cart', '"userId" = $1', [userId]),
      items: await count('CartItem', '"cartId" IN (SELECT id FROM "Cart" WHERE "userId" = $1)', [
        userId,
      ]),
      orders: await count('Order', '"userId" = $1', [userId]),
    });
    const customerId = (identity: Identity) => {
      if (identity.kind !== 'user') throw new Error('a user identity');
      return identity.userId;
    };

    it('refuses a cart line whose total would pass the bound with BAD_USER_INPUT, writing nothing', async () => {
      const customer = newCustomer();
      const productId = await pricedProduct(100_000_000);

      const response = await addToCart(customer, productId, 22);

      expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
      expect(response.errors![0]!.extensions).toMatchObject({ maxAmount: MAX_AMOUNT });
      expect(await rowsOf(customerId(customer))).toEqual({ carts: 0, items: 0, orders: 0 });
    });

    it('takes a cart to the bound exactly and reads it; one unit more is refused, lowering is not', async () => {
      const customer = newCustomer();
      const dear = await pricedProduct(100_000_000);
      const rest = await pricedProduct(MAX_AMOUNT - 21 * 100_000_000);
      expect(errorCodes(await addToCart(customer, dear, 21))).toEqual([]);
      const full = await addToCart(customer, rest, 1);
      expect(full.errors).toBeUndefined();
      expect(full.data!.addToCart.subtotal).toEqual({ amount: MAX_AMOUNT, currency: 'USD' });

      expect(errorCodes(await addToCart(customer, rest, 1))).toEqual(['BAD_USER_INPUT']);
      expect(errorCodes(await updateCartItem(customer, dear, 22))).toEqual(['BAD_USER_INPUT']);
      const cart = await cartOf(customer);
      expect(cart.items).toEqual([
        { product: { id: dear }, quantity: 21 },
        { product: { id: rest }, quantity: 1 },
      ]);
      expect(cart.subtotal.amount).toBe(MAX_AMOUNT);

      const lowered = await updateCartItem(customer, dear, 20);
      expect(lowered.errors).toBeUndefined();
      expect(lowered.data!.updateCartItem.subtotal.amount).toBe(MAX_AMOUNT - 100_000_000);
    });

    it('keeps the sum of concurrent adds within the bound', async () => {
      const customer = newCustomer();
      const products = await Promise.all(
        Array.from({ length: 4 }, () => pricedProduct(1_000_000_000)),
      );
      const responses = await Promise.all(products.map((id) => addToCart(customer, id, 1)));
      expect(responses.flatMap(errorCodes).sort()).toEqual(['BAD_USER_INPUT', 'BAD_USER_INPUT']);
      expect((await cartOf(customer)).subtotal.amount).toBe(2_000_000_000);
    });

    it('still reads a cart whose price rose past the bound; checkout refuses it before writing an order', async () => {
      const customer = newCustomer();
      const productId = await pricedProduct(2_000_000);
      expect(errorCodes(await addToCart(customer, productId, 999))).toEqual([]);
      await deliver(
        envelopeOf(
          'products.events',
          'ProductPriceChanged',
          productId,
          {
            ...snapshot(productId, 'Dear', 3_000_000),
            previousPrice: { amount: 2_000_000, currency: 'USD' },
          },
          2,
        ),
      );

      const cart = await call<{ cart: CartResult }>(customer, CART);
      expect(cart.errors).toBeUndefined();
      expect(cart.data!.cart.items).toEqual([{ product: { id: productId }, quantity: 999 }]);
      expect(cart.data!.cart.subtotal).toEqual({ amount: MAX_AMOUNT, currency: 'USD' });

      const checkout = await call(customer, CHECKOUT, {
        input: { addressId: randomUUID(), paymentMethodId: randomUUID(), idempotencyKey: 'k' },
      });
      expect(errorCodes(checkout)).toEqual(['BAD_USER_INPUT']);
      expect(await rowsOf(customerId(customer))).toMatchObject({ orders: 0 });

      const lowered = await updateCartItem(customer, productId, 700);
      expect(lowered.errors).toBeUndefined();
      expect(lowered.data!.updateCartItem.subtotal.amount).toBe(2_100_000_000);
    });
  });

  describe('products taken off sale', () => {
    const CHECKOUT = `mutation($input: CheckoutInput!) { checkout(input: $input) { id } }`;

    it('follows renames and archiving: an archived product goes into no cart, and a cart holding it is refused at checkout', async () => {
      const productId = randomUUID();
      const customer = newCustomer();
      await deliver(
        envelopeOf(
          'products.events',
          'ProductCreated',
          productId,
          snapshot(productId, 'Stool', 3000),
          1,
        ),
      );
      expect(errorCodes(await addToCart(customer, productId, 2))).toEqual([]);

      await deliver(
        envelopeOf(
          'products.events',
          'ProductUpdated',
          productId,
          snapshot(productId, 'Bar stool', 3000),
          2,
        ),
      );
      expect(await priceOf(productId)).toMatchObject({ name: 'Bar stool', version: 2 });

      await deliver(
        envelopeOf(
          'products.events',
          'ProductArchived',
          productId,
          { ...snapshot(productId, 'Bar stool', 3000), archived: true },
          3,
        ),
      );
      const refused = await addToCart(newCustomer(), productId, 1);
      expect(errorCodes(refused)).toEqual(['BAD_USER_INPUT']);
      expect(refused.errors![0]!.message).toBe('Bar stool is no longer sold');

      // The line stays in the cart it was in, so its holder sees it and can take it out.
      expect((await cartOf(customer)).items).toEqual([{ product: { id: productId }, quantity: 2 }]);
      const checkout = await call(customer, CHECKOUT, {
        input: { addressId: randomUUID(), paymentMethodId: randomUUID(), idempotencyKey: 'k' },
      });
      expect(errorCodes(checkout)).toEqual(['BAD_USER_INPUT']);
      expect(checkout.errors![0]!.message).toBe(
        'Bar stool is no longer sold: take it out of the cart to check out',
      );
      expect(
        await count('Order', '"userId" = $1', [customer.kind === 'user' ? customer.userId : '']),
      ).toBe(0);
      const removed = await updateCartItem(customer, productId, 0);
      expect(removed.errors).toBeUndefined();
      expect(removed.data!.updateCartItem.items).toEqual([]);
    });

    it('keeps an archived product archived when an older event arrives late', async () => {
      const productId = randomUUID();
      await deliver(
        envelopeOf(
          'products.events',
          'ProductArchived',
          productId,
          { ...snapshot(productId, 'Lamp', 1500), archived: true },
          2,
        ),
      );
      await deliver(
        envelopeOf(
          'products.events',
          'ProductCreated',
          productId,
          snapshot(productId, 'Lamp', 1500),
          1,
        ),
      );
      expect(errorCodes(await addToCart(newCustomer(), productId, 1))).toEqual(['BAD_USER_INPUT']);
    });
  });

  describe('advanceOrder', () => {
    const buyerId = seedData.deliveredOrders[0]!.userId;

    /** A PAID order with two lines, as the checkout saga would leave it. */
    const paidOrder = () => insertPaidOrder(databaseUrl, buyerId, [first!.id, second!.id]);

    const advance = (identity: Identity, id: string, to: string) =>
      call<{ advanceOrder: { id: string; status: string; statusHistory: { status: string }[] } }>(
        identity,
        ADVANCE_ORDER,
        { id, to },
      );

    it('moves a PAID order to SHIPPED then DELIVERED, with history and events', async () => {
      const id = await paidOrder();
      const shipped = await advance(ADMIN_IDENTITY, id, 'SHIPPED');
      expect(shipped.errors).toBeUndefined();
      expect(shipped.data!.advanceOrder.status).toBe('SHIPPED');

      const delivered = await advance(ADMIN_IDENTITY, id, 'DELIVERED');
      expect(delivered.errors).toBeUndefined();
      expect(delivered.data!.advanceOrder.statusHistory.map((change) => change.status)).toEqual([
        'PENDING',
        'PAID',
        'SHIPPED',
        'DELIVERED',
      ]);
      if (ADMIN_IDENTITY.kind !== 'user') throw new Error('a user identity');
      const actors = await sql<{ status: string; actor: string }>(
        `SELECT status, actor FROM "OrderStatusHistory" WHERE "orderId" = $1 AND status IN ('SHIPPED', 'DELIVERED') ORDER BY at`,
        [id],
      );
      expect(actors).toEqual([
        { status: 'SHIPPED', actor: ADMIN_IDENTITY.userId },
        { status: 'DELIVERED', actor: ADMIN_IDENTITY.userId },
      ]);

      const events = await eventually(() => {
        const about = published.filter((event) => event.aggregateId === id);
        expect(about.map((event) => event.type)).toEqual(['OrderShipped', 'OrderDelivered']);
        return about;
      });
      expect(events[0]!.data).toEqual({ orderId: id, userId: buyerId, number: expect.any(Number) });
      expect(events[1]!.version).toBeGreaterThan(events[0]!.version);
      const deliveredData = events[1]!.data as { items: { productId: string; quantity: number }[] };
      expect(deliveredData).toMatchObject({ orderId: id, userId: buyerId });
      expect(deliveredData.items).toEqual(
        expect.arrayContaining([
          { productId: first!.id, quantity: 1 },
          { productId: second!.id, quantity: 2 },
        ]),
      );
      expect(deliveredData.items).toHaveLength(2);
    });

    it('refuses to move a seeded DELIVERED order, and to go back from SHIPPED, with CONFLICT', async () => {
      const seeded = seedData.deliveredOrders[0]!.id;
      const fromDelivered = await advance(ADMIN_IDENTITY, seeded, 'SHIPPED');
      expect(errorCodes(fromDelivered)).toEqual(['CONFLICT']);
      expect(fromDelivered.errors![0]!.message).toBe(
        'Cannot move an order from DELIVERED to SHIPPED',
      );

      const id = await paidOrder();
      expect(errorCodes(await advance(ADMIN_IDENTITY, id, 'DELIVERED'))).toEqual(['CONFLICT']);
      await advance(ADMIN_IDENTITY, id, 'SHIPPED');
      const back = await advance(ADMIN_IDENTITY, id, 'PAID');
      expect(errorCodes(back)).toEqual(['CONFLICT']);
      expect(back.errors![0]!.message).toBe('Cannot move an order from SHIPPED to PAID');
      expect(await count('OrderStatusHistory', '"orderId" = $1', [id])).toBe(3);
    });

    it('answers NOT_FOUND for an unknown order', async () => {
      expect(errorCodes(await advance(ADMIN_IDENTITY, randomUUID(), 'SHIPPED'))).toEqual([
        'NOT_FOUND',
      ]);
      expect(errorCodes(await advance(ADMIN_IDENTITY, 'nope', 'SHIPPED'))).toEqual(['NOT_FOUND']);
    });

    it('refuses customers (even the buyer) with FORBIDDEN and anonymous callers', async () => {
      const id = await paidOrder();
      expect(errorCodes(await advance(userIdentity(buyerId), id, 'SHIPPED'))).toEqual([
        'FORBIDDEN',
      ]);
      expect(errorCodes(await advance(ANONYMOUS, id, 'SHIPPED'))).toEqual(['UNAUTHENTICATED']);
      const [row] = await sql<{ status: string }>('SELECT status FROM "Order" WHERE id = $1', [id]);
      expect(row!.status).toBe('PAID');
    });

    it('lets only one of two concurrent advances succeed', async () => {
      const id = await paidOrder();
      const results = await Promise.all([
        advance(ADMIN_IDENTITY, id, 'SHIPPED'),
        advance(ADMIN_IDENTITY, id, 'SHIPPED'),
      ]);
      expect(results.map((result) => errorCodes(result)[0] ?? 'OK').sort()).toEqual([
        'CONFLICT',
        'OK',
      ]);
      expect(await count('OrderStatusHistory', `"orderId" = $1 AND status = 'SHIPPED'`, [id])).toBe(
        1,
      );
      expect(await count('OutboxEvent', `"aggregateId" = $1 AND type = 'OrderShipped'`, [id])).toBe(
        1,
      );
    });
  });
});
