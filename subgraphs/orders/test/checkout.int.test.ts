import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { Identity } from '@shop/identity';
import { queryTestDatabase, userIdentity, eventually } from '@shop/testing';
import { DECLINES, ORDERS_SERVICE, startSagaSubgraphs, type SagaSubgraphs } from './saga-subgraphs';

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
  payment: {
    id: string;
    status: string;
    amount: { amount: number; currency: string };
    method: { brand: string; last4: string };
  } | null;
}

const CHECKOUT = `mutation($input: CheckoutInput!) {
  checkout(input: $input) {
    id status total { amount currency }
    items { product { id } quantity unitPrice { amount currency } }
    shippingAddress { line1 city postalCode country }
    payment { id status amount { amount currency } method { brand last4 } }
  }
}`;
const CART = `query { cart { items { product { id } quantity } } }`;
const ADD_TO_CART = `mutation($productId: ID!, $quantity: Int!) {
  addToCart(productId: $productId, quantity: $quantity) { id } }`;

describe('checkout saga across users, inventory, payments and orders (real PostgreSQL)', () => {
  let saga: SagaSubgraphs;

  beforeAll(async () => {
    saga = await startSagaSubgraphs();
  });
  afterAll(() => saga.stop());

  const checkout = (identity: Identity, input: Record<string, unknown>) =>
    saga.as<{ checkout: CheckoutView }>(saga.orders.url, identity, CHECKOUT, { input });

  it('orders the cart: PAID, charged, stock taken, cart emptied, OrderPaid published', async () => {
    const productId = await saga.newProduct(10, 1_250);
    const buyer = await saga.newBuyer(productId, 3);

    const result = await checkout(buyer.identity, buyer.input);

    expect(result.errors).toBeUndefined();
    const order = result.data?.checkout;
    expect(order).toMatchObject({
      status: 'PAID',
      total: { amount: 3_750, currency: 'USD' },
      items: [{ product: { id: productId }, quantity: 3, unitPrice: { amount: 1_250 } }],
      shippingAddress: { line1: '1 Test Street', city: 'Testville', country: 'DE' },
      // Provided to the router (it asks orders, not payments), from the charge's answer.
      payment: {
        status: 'SUCCEEDED',
        amount: { amount: 3_750, currency: 'USD' },
        method: { brand: 'VISA', last4: '4242' },
      },
    });
    expect(await saga.paymentsOf(order?.id ?? '')).toEqual([
      { status: 'SUCCEEDED', amount: 3_750 },
    ]);
    expect(await saga.availableOf(productId)).toBe(7);
    // Inventory commits the hold once it hears OrderPaid, off the checkout's request.
    await eventually(async () =>
      expect(await saga.stockOf(productId)).toEqual({ onHand: 7, reserved: 0 }),
    );
    expect(await saga.reservationsOf(order!.id)).toEqual(['COMMITTED']);
    const cart = await saga.as<{ cart: { items: unknown[] } }>(
      saga.orders.url,
      buyer.identity,
      CART,
    );
    expect(cart.data?.cart.items).toEqual([]);
    expect(await saga.ordersOf(buyer.userId)).toEqual([
      expect.objectContaining({ status: 'PAID', sagaStep: 'COMPLETED' }),
    ]);
    await eventually(() =>
      expect(
        saga.published.find(
          (event) => event.type === 'OrderPaid' && event.aggregateId === order?.id,
        )?.data,
      ).toMatchObject({
        orderId: order?.id,
        userId: buyer.userId,
        total: { amount: 3_750, currency: 'USD' },
        items: [{ productId, quantity: 3 }],
        reservationId: expect.any(String),
      }),
    );
    // The order's second move (PENDING, then PAID), as its status history counts them.
    expect(
      saga.published.find((event) => event.type === 'OrderPaid' && event.aggregateId === order?.id)
        ?.version,
    ).toBe(2);
  });

  it('answers PAYMENT_DECLINED for a declined card, releases the stock held for it, and cancels the order', async () => {
    const productId = await saga.newProduct(4);
    const buyer = await saga.newBuyer(productId, 2, DECLINES);

    const result = await checkout(buyer.identity, buyer.input);

    const [error] = (result.errors ?? []) as GraphQLErrorView[];
    expect(error?.extensions).toMatchObject({ code: 'PAYMENT_DECLINED' });
    const [order] = await saga.ordersOf(buyer.userId);
    expect(order).toMatchObject({
      status: 'CANCELLED',
      sagaStep: 'COMPENSATED',
      failureCode: 'PAYMENT_DECLINED',
    });
    expect(await saga.availableOf(productId)).toBe(4);
    expect(await saga.reservationsOf(order!.id)).toEqual(['RELEASED']);
    expect(await saga.paymentsOf(order?.id ?? '')).toEqual([{ status: 'DECLINED', amount: 2_500 }]);
    // Asked again, the same key answers the same outcome without charging again.
    const again = await checkout(buyer.identity, buyer.input);
    expect((again.errors as GraphQLErrorView[])[0]?.extensions?.code).toBe('PAYMENT_DECLINED');
    expect(await saga.paymentsOf(order?.id ?? '')).toHaveLength(1);
  });

  it('answers OUT_OF_STOCK naming the product, and cancels the order without charging it', async () => {
    const productId = await saga.newProduct(1);
    const buyer = await saga.newBuyer(productId, 2);

    const result = await checkout(buyer.identity, buyer.input);

    const [error] = (result.errors ?? []) as GraphQLErrorView[];
    expect(error?.extensions).toMatchObject({ code: 'OUT_OF_STOCK', productId });
    const [order] = await saga.ordersOf(buyer.userId);
    expect(order).toMatchObject({
      status: 'CANCELLED',
      sagaStep: 'COMPENSATED',
      failureCode: 'OUT_OF_STOCK',
    });
    expect(await saga.paymentsOf(order?.id ?? '')).toEqual([]);
    expect(await saga.availableOf(productId)).toBe(1);
  });

  it('refuses an empty cart and an address that is not the buyer’s', async () => {
    const productId = await saga.newProduct(5);
    const buyer = await saga.newBuyer(productId);
    const other = await saga.newBuyer(productId);

    const stolen = await checkout(buyer.identity, {
      ...buyer.input,
      addressId: other.input.addressId,
    });
    expect((stolen.errors as GraphQLErrorView[])[0]?.extensions?.code).toBe('NOT_FOUND');

    const stranger = userIdentity(randomUUID());
    const empty = await checkout(stranger, { ...buyer.input, idempotencyKey: randomUUID() });
    expect((empty.errors as GraphQLErrorView[])[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(await saga.ordersOf(buyer.userId)).toEqual([]);
  });

  it("answers a checkout's lines as the Order query does, without reading them back", async () => {
    // Names whose byte order is not a dictionary's: the lines come in the same order either way.
    const named = async (name: string) => {
      const productId = await saga.newProduct(5, 500);
      await queryTestDatabase(
        saga.urls.orders,
        'UPDATE "ProductPrice" SET "name" = $2 WHERE "productId" = $1',
        [productId, name],
      );
      return productId;
    };
    const [first, ...others] = [await named('banana'), await named('äpfel'), await named('Apple')];
    const buyer = await saga.newBuyer(first!, 1);
    for (const productId of others) {
      const added = await saga.as(saga.orders.url, buyer.identity, ADD_TO_CART, {
        productId,
        quantity: 2,
      });
      expect(added.errors).toBeUndefined();
    }
    const LINES = 'items { id product { id name } productName quantity unitPrice { amount } }';

    const sent = jest.spyOn(pg.Client.prototype, 'query');
    let answer: Awaited<ReturnType<typeof saga.as<{ checkout: { id: string; items: unknown[] } }>>>;
    let linesRead: number;
    try {
      answer = await saga.as<{ checkout: { id: string; items: unknown[] } }>(
        saga.orders.url,
        buyer.identity,
        `mutation($input: CheckoutInput!) { checkout(input: $input) { id ${LINES} } }`,
        { input: buyer.input },
      );
      linesRead = sent.mock.calls.filter(([query]) =>
        /"OrderItem" i\s+LEFT JOIN/.test(
          typeof query === 'string' ? query : ((query as { text?: string }).text ?? ''),
        ),
      ).length;
    } finally {
      sent.mockRestore();
    }
    expect(answer.errors).toBeUndefined();
    expect(linesRead).toBe(0);
    const read = await saga.as<{ order: { items: unknown[] } }>(
      saga.orders.url,
      buyer.identity,
      `query($id: ID!) { order(id: $id) { ${LINES} } }`,
      { id: answer.data!.checkout.id },
    );
    expect(read.errors).toBeUndefined();
    expect(answer.data!.checkout.items).toEqual(read.data!.order.items);
    expect(
      answer.data!.checkout.items.map((item) => (item as { productName: string }).productName),
    ).toEqual(['Apple', 'banana', 'äpfel']);
  });

  it('answers the same order for the same key, charging once', async () => {
    const productId = await saga.newProduct(5, 900);
    const buyer = await saga.newBuyer(productId);

    const first = await checkout(buyer.identity, buyer.input);
    const second = await checkout(buyer.identity, buyer.input);

    expect(first.errors).toBeUndefined();
    expect(second.data?.checkout.id).toBe(first.data?.checkout.id);
    // The saga finished: the payment asked of payments, the same as the charge answered.
    expect(second.data?.checkout.payment).toEqual(first.data?.checkout.payment);
    expect(await saga.paymentsOf(first.data?.checkout.id ?? '')).toEqual([
      { status: 'SUCCEEDED', amount: 900 },
    ]);
    expect(await saga.availableOf(productId)).toBe(4);
  });

  it('makes one order and one charge of 10 concurrent identical checkouts', async () => {
    const productId = await saga.newProduct(5, 700);
    const buyer = await saga.newBuyer(productId);

    const results = await Promise.all(
      Array.from({ length: 10 }, () => checkout(buyer.identity, buyer.input)),
    );

    expect(results.flatMap((result) => result.errors ?? [])).toEqual([]);
    const ids = new Set(results.map((result) => result.data?.checkout.id));
    expect(ids.size).toBe(1);
    // The one that charged answers the charge's payment, the others payments' answer: the same.
    const payments = new Set(
      results.map((result) => JSON.stringify(result.data?.checkout.payment)),
    );
    expect([...payments].map((payment) => JSON.parse(payment) as unknown)).toEqual([
      expect.objectContaining({ status: 'SUCCEEDED', amount: { amount: 700, currency: 'USD' } }),
    ]);
    const orderRows = await saga.ordersOf(buyer.userId);
    expect(orderRows).toHaveLength(1);
    expect(await saga.paymentsOf(orderRows[0]?.id ?? '')).toEqual([
      { status: 'SUCCEEDED', amount: 700 },
    ]);
    expect(await saga.availableOf(productId)).toBe(4);
  });

  it('never oversells: stock 5, 20 buyers at once → 5 PAID, 15 OUT_OF_STOCK', async () => {
    const productId = await saga.newProduct(5, 1_000);
    const buyers = await Promise.all(Array.from({ length: 20 }, () => saga.newBuyer(productId)));

    const results = await Promise.all(buyers.map((buyer) => checkout(buyer.identity, buyer.input)));

    // A saga whose sibling did not answer within the client's timeout (a busy
    // machine) answers its order PENDING and recovery finishes it: such an
    // order is followed to its end. Each buyer's outcome is kept, so a failure
    // shows what the others got instead.
    const outcomes = await Promise.all(
      results.map(async (result, index) => {
        const status = result.data?.checkout.status;
        if (status === undefined) {
          return ((result.errors ?? []) as GraphQLErrorView[])
            .map((error) => `${String(error.extensions?.code)}: ${error.message}`)
            .join('; ');
        }
        if (status !== 'PENDING') return status;
        const [order] = await eventually(async () => {
          const orders = await saga.ordersOf(buyers[index]!.userId);
          expect(orders[0]?.status).not.toBe('PENDING');
          return orders;
        }, 60_000);
        return order!.status === 'PAID' ? 'PAID' : `${order!.failureCode}: after PENDING`;
      }),
    );
    expect(outcomes.sort()).toEqual([
      ...Array.from({ length: 15 }, () => expect.stringMatching(/^OUT_OF_STOCK: /)),
      ...Array.from({ length: 5 }, () => 'PAID'),
    ]);
    expect(await saga.availableOf(productId)).toBe(0);
    const [captured] = await queryTestDatabase<{ count: string }>(
      saga.urls.payments,
      `SELECT count(*)::text AS count FROM "Payment" WHERE "userId" = ANY($1::uuid[]) AND "status" = 'SUCCEEDED'`,
      [buyers.map((buyer) => buyer.userId)],
    );
    expect(captured?.count).toBe('5');
    // Inventory commits the paid holds once it hears OrderPaid, off the checkouts' requests.
    await eventually(async () => {
      const [held] = await queryTestDatabase<{ count: string }>(
        saga.urls.inventory,
        `SELECT count(*)::text AS count FROM "Reservation" WHERE "status" = 'HELD'`,
      );
      expect(held?.count).toBe('0');
    });
  }, 120_000);

  it.each([
    ['its reservation', 'STOCK_RESERVED', false, 1],
    // Begun before the charge replaced authorizing and capturing apart (a rolling deploy).
    ['its authorization, by an older saga', 'PAYMENT_AUTHORIZED', true, 3],
    ['its authorization and reservation, by an older saga', 'STOCK_RESERVED', true, 1],
  ] as const)(
    'recovers a saga interrupted after %s: the order ends PAID',
    async (_after, sagaStep, authorizedEarlier, availableMeanwhile) => {
      const productId = await saga.newProduct(3, 500);
      const buyer = await saga.newBuyer(productId, 2);
      const orderId = randomUUID();
      // The state a crash after that step leaves behind.
      const paymentId = authorizedEarlier
        ? await saga.authorizedEarlierFor(orderId, buyer, 1_000)
        : null;
      let reservationId: string | null = null;
      if (sagaStep === 'STOCK_RESERVED') {
        const reserve = `mutation($input: ReserveStockInput!) { reserveStock(input: $input) { id } }`;
        const reserved = await saga.as<{ reserveStock: { id: string } }>(
          saga.inventory.url,
          ORDERS_SERVICE,
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
        reservationId = reserved.data!.reserveStock.id;
      }
      await queryTestDatabase(
        saga.urls.orders,
        `WITH o AS (
           INSERT INTO "Order" ("id", "userId", "status", "totalAmount", "totalCurrency", "idempotencyKey",
             "addressId", "paymentMethodId", "shipLine1", "shipCity", "shipPostalCode", "shipCountry",
             "sagaStep", "paymentId", "reservationId", "createdAt", "updatedAt")
           VALUES ($1, $2, 'PENDING', 1000, 'USD', $3, $4, $5, '1 Test Street', 'Testville', '12345', 'DE',
             $6::"SagaStep", $7, $8, now() - interval '1 minute', now() - interval '1 minute')
           RETURNING "id")
         INSERT INTO "OrderItem" ("id", "orderId", "productId", "productName", "quantity",
           "unitPriceAmount", "unitPriceCurrency")
         SELECT gen_random_uuid(), o."id", $9, 'Test product', 2, 500, 'USD' FROM o`,
        [
          orderId,
          buyer.userId,
          buyer.input.idempotencyKey,
          buyer.input.addressId,
          buyer.input.paymentMethodId,
          sagaStep,
          paymentId,
          reservationId,
          productId,
        ],
      );
      expect(await saga.availableOf(productId)).toBe(availableMeanwhile);

      await eventually(async () =>
        expect(await saga.ordersOf(buyer.userId)).toEqual([
          expect.objectContaining({ id: orderId, status: 'PAID', sagaStep: 'COMPLETED' }),
        ]),
      );
      expect(await saga.paymentsOf(orderId)).toEqual([{ status: 'SUCCEEDED', amount: 1_000 }]);
      // Inventory commits the hold when it hears OrderPaid, after the order is PAID.
      await eventually(async () =>
        expect(await saga.stockOf(productId)).toEqual({ onHand: 1, reserved: 0 }),
      );
    },
  );
});
