import { randomUUID } from 'node:crypto';
import type { Identity } from '@shop/identity';
import {
  ADMIN_IDENTITY,
  countRows,
  errorCodes,
  eventually,
  queryTestDatabase,
  startInterceptingProxy,
  userIdentity,
  type HeldCall,
  type Interception,
  type InterceptingProxy,
  type ProxiedCall,
} from '@shop/testing';
import { startSagaSubgraphs, type SagaSubgraphs } from './saga-subgraphs';

const CANCEL = `mutation($id: ID!) { cancelOrder(id: $id) { id status } }`;
const ADVANCE = `mutation($id: ID!, $to: OrderStatus!) { advanceOrder(id: $id, to: $to) { id status } }`;
const CHECKOUT = `mutation($input: CheckoutInput!) { checkout(input: $input) { id status } }`;

interface OrderView {
  id: string;
  status: string;
}
type Buyer = Awaited<ReturnType<SagaSubgraphs['newBuyer']>>;

/**
 * Holds the next call naming `field` that passes `proxy` (a saga step still
 * on its way, or done but its answer not back) until the test releases it;
 * every other call goes on.
 */
function holdNext(
  proxy: InterceptingProxy,
  field: string,
  how: Extract<Interception, 'hold-request' | 'hold-response'> = 'hold-request',
): Promise<HeldCall> {
  const names = (call: ProxiedCall) => new RegExp(`\\b${field}\\s*\\(`).test(call.query);
  let armed = true;
  proxy.intercept((call) => {
    if (!armed || !names(call)) return 'forward';
    armed = false;
    return how;
  });
  return proxy.held(names);
}

describe('cancelOrder: the checkout saga compensated for the buyer (real PostgreSQL)', () => {
  let saga: SagaSubgraphs;
  const proxies: InterceptingProxy[] = [];
  let inventoryProxy: InterceptingProxy;
  let paymentsProxy: InterceptingProxy;

  beforeAll(async () => {
    saga = await startSagaSubgraphs({
      route: async (siblings) => {
        inventoryProxy = await startInterceptingProxy(siblings.inventory);
        paymentsProxy = await startInterceptingProxy(siblings.payments);
        proxies.push(inventoryProxy, paymentsProxy);
        return { ...siblings, inventory: inventoryProxy.url, payments: paymentsProxy.url };
      },
    });
  });
  afterAll(async () => {
    await saga.stop();
    for (const proxy of proxies) await proxy.close();
  });

  const cancel = (identity: Identity, id: string) =>
    saga.as<{ cancelOrder: OrderView }>(saga.orders.url, identity, CANCEL, { id });
  const advance = (id: string, to: string) =>
    saga.as<{ advanceOrder: OrderView }>(saga.orders.url, ADMIN_IDENTITY, ADVANCE, { id, to });
  const checkout = (buyer: Buyer) =>
    saga.as<{ checkout: OrderView }>(saga.orders.url, buyer.identity, CHECKOUT, {
      input: buyer.input,
    });

  /**
   * A checkout of `quantity` units (of a product stocked with `stock`, at
   * `amount` each) held on its way to `step` of inventory or payments, its
   * order as the saga left it meanwhile.
   */
  async function checkoutHeldAt(
    proxy: InterceptingProxy,
    step: string,
    { stock, amount, quantity }: { stock: number; amount: number; quantity: number },
    how?: Parameters<typeof holdNext>[2],
  ) {
    const productId = await saga.newProduct(stock, amount);
    const buyer = await saga.newBuyer(productId, quantity);
    const holding = holdNext(proxy, step, how);
    const placing = checkout(buyer);
    const held = await holding;
    const [order] = await saga.ordersOf(buyer.userId);
    return { productId, buyer, placing, held, order: order! };
  }

  /**
   * A product stocked with `stock` units and a buyer who bought `quantity` of
   * them: PAID, its hold committed by inventory on hearing OrderPaid.
   */
  async function paidOrder(stock = 10, quantity = 3, amount = 1_250) {
    const productId = await saga.newProduct(stock, amount);
    const buyer = await saga.newBuyer(productId, quantity);
    const placed = await checkout(buyer);
    expect(placed.errors).toBeUndefined();
    expect(placed.data?.checkout.status).toBe('PAID');
    const orderId = placed.data!.checkout.id;
    await eventually(async () => expect(await reservationsOf(orderId)).toEqual(['COMMITTED']));
    return { productId, buyer, orderId, total: quantity * amount };
  }

  const orderRow = (id: string) => saga.orderRow(id);

  const historyOf = (orderId: string) =>
    queryTestDatabase<{ status: string; actor: string; reason: string | null }>(
      saga.urls.orders,
      `SELECT "status"::text, "actor", "reason" FROM "OrderStatusHistory" WHERE "orderId" = $1
        ORDER BY "at", "id"`,
      [orderId],
    );

  const refundsOf = (orderId: string) =>
    queryTestDatabase<{ amount: number; idempotencyKey: string; reason: string | null }>(
      saga.urls.payments,
      `SELECT r."amount", r."idempotencyKey", r."reason" FROM "Refund" r
         JOIN "Payment" p ON p."id" = r."paymentId" WHERE p."orderId" = $1`,
      [orderId],
    );

  const reservationsOf = async (orderId: string) =>
    (
      await queryTestDatabase<{ status: string }>(
        saga.urls.inventory,
        `SELECT "status"::text FROM "Reservation" WHERE "orderId" = $1`,
        [orderId],
      )
    ).map((row) => row.status);

  const cancelledEventsOf = (orderId: string) =>
    countRows(saga.urls.orders, 'OutboxEvent', `"type" = 'OrderCancelled' AND "aggregateId" = $1`, [
      orderId,
    ]);

  /** Charges `amount` for an order id through payments, as the saga's charge step does. */
  async function chargeFor(orderId: string, buyer: Buyer, amount: number) {
    const charged = await saga.chargeFor(orderId, buyer, amount);
    expect(charged.status).toBe('SUCCEEDED');
    return charged.id;
  }

  it('cancels a PAID order: stock back on hand, payment refunded in full, OrderCancelled', async () => {
    const { productId, buyer, orderId, total } = await paidOrder(10, 3);
    expect(await saga.availableOf(productId)).toBe(7);

    const result = await cancel(buyer.identity, orderId);

    expect(result.errors).toBeUndefined();
    expect(result.data?.cancelOrder).toEqual({ id: orderId, status: 'CANCELLED' });
    expect(await orderRow(orderId)).toEqual({
      status: 'CANCELLED',
      sagaStep: 'COMPENSATED',
      failureCode: 'CANCELLED_BY_BUYER',
    });
    expect(await saga.stockOf(productId)).toEqual({ onHand: 10, reserved: 0 });
    expect(await reservationsOf(orderId)).toEqual(['RETURNED']);
    expect(await saga.paymentsOf(orderId)).toEqual([{ status: 'REFUNDED', amount: total }]);
    expect(await refundsOf(orderId)).toEqual([
      {
        amount: total,
        idempotencyKey: `order:${orderId}:refund`,
        reason: 'Cancelled by the buyer',
      },
    ]);
    expect(await historyOf(orderId)).toEqual([
      { status: 'PENDING', actor: buyer.userId, reason: null },
      { status: 'PAID', actor: 'system', reason: null },
      { status: 'CANCELLED', actor: buyer.userId, reason: 'CANCELLED_BY_BUYER' },
    ]);
    const event = await eventually(() => {
      const found = saga.published.find(
        (candidate) => candidate.type === 'OrderCancelled' && candidate.aggregateId === orderId,
      );
      expect(found).toBeDefined();
      return found!;
    });
    expect(event.data).toEqual({
      orderId,
      userId: buyer.userId,
      reason: 'CANCELLED_BY_BUYER',
      number: expect.any(Number),
    });
    expect(event.version).toBe(3);
  });

  it('answers the cancelled order when asked again, at once or later, refunding once', async () => {
    const { productId, buyer, orderId, total } = await paidOrder(6, 2);

    const together = await Promise.all(
      Array.from({ length: 5 }, () => cancel(buyer.identity, orderId)),
    );
    const later = await cancel(buyer.identity, orderId);

    for (const result of [...together, later]) {
      expect(result.errors).toBeUndefined();
      expect(result.data?.cancelOrder.status).toBe('CANCELLED');
    }
    expect(await refundsOf(orderId)).toHaveLength(1);
    expect(await saga.paymentsOf(orderId)).toEqual([{ status: 'REFUNDED', amount: total }]);
    expect(await saga.stockOf(productId)).toEqual({ onHand: 6, reserved: 0 });
    expect((await historyOf(orderId)).filter((row) => row.status === 'CANCELLED')).toHaveLength(1);
    expect(await cancelledEventsOf(orderId)).toBe(1);
  });

  it('keeps everyone but the buyer out (NOT_FOUND, ADMINs FORBIDDEN), changing nothing', async () => {
    const { productId, orderId, total } = await paidOrder(5, 1);

    const stranger = await cancel(userIdentity(randomUUID()), orderId);
    const unknown = await cancel(userIdentity(randomUUID()), randomUUID());
    const malformed = await cancel(userIdentity(randomUUID()), 'not-an-id');
    const admin = await cancel(ADMIN_IDENTITY, orderId);
    const anonymous = await cancel({ kind: 'anonymous' }, orderId);

    expect([stranger, unknown, malformed].flatMap(errorCodes)).toEqual([
      'NOT_FOUND',
      'NOT_FOUND',
      'NOT_FOUND',
    ]);
    expect(stranger.errors?.[0]?.message).toBe(unknown.errors?.[0]?.message);
    expect(errorCodes(admin)).toEqual(['FORBIDDEN']);
    expect(errorCodes(anonymous)).toEqual(['UNAUTHENTICATED']);
    expect(await orderRow(orderId)).toEqual({
      status: 'PAID',
      sagaStep: 'COMPLETED',
      failureCode: null,
    });
    expect(await saga.paymentsOf(orderId)).toEqual([{ status: 'SUCCEEDED', amount: total }]);
    expect(await refundsOf(orderId)).toEqual([]);
    expect(await reservationsOf(orderId)).toEqual(['COMMITTED']);
    expect(await saga.availableOf(productId)).toBe(4);
  });

  it('refuses a SHIPPED order with CONFLICT, leaving it, its stock and its payment alone', async () => {
    const { productId, buyer, orderId, total } = await paidOrder(5, 2);
    expect((await advance(orderId, 'SHIPPED')).data?.advanceOrder.status).toBe('SHIPPED');

    const result = await cancel(buyer.identity, orderId);

    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', status: 'SHIPPED' });
    expect(await orderRow(orderId)).toMatchObject({ status: 'SHIPPED', sagaStep: 'COMPLETED' });
    expect(await saga.paymentsOf(orderId)).toEqual([{ status: 'SUCCEEDED', amount: total }]);
    expect(await reservationsOf(orderId)).toEqual(['COMMITTED']);
    expect(await saga.availableOf(productId)).toBe(3);
    expect(await cancelledEventsOf(orderId)).toBe(0);
  });

  it('of an ADMIN shipping and the buyer cancelling at once, exactly one wins', async () => {
    const orders = await Promise.all(Array.from({ length: 6 }, () => paidOrder(4, 1)));

    const outcomes = await Promise.all(
      orders.map(async ({ buyer, orderId }) => {
        const [shipped, cancelled] = await Promise.all([
          advance(orderId, 'SHIPPED'),
          cancel(buyer.identity, orderId),
        ]);
        return { orderId, shipped, cancelled };
      }),
    );

    for (const { orderId, shipped, cancelled } of outcomes) {
      const winner = shipped.errors ? 'cancel' : 'advance';
      const loser = winner === 'cancel' ? shipped : cancelled;
      expect([orderId, errorCodes(loser)]).toEqual([orderId, ['CONFLICT']]);
      const row = await orderRow(orderId);
      if (winner === 'cancel') {
        expect(row).toMatchObject({ status: 'CANCELLED', sagaStep: 'COMPENSATED' });
        expect(await saga.paymentsOf(orderId)).toEqual([{ status: 'REFUNDED', amount: 1_250 }]);
        expect(await reservationsOf(orderId)).toEqual(['RETURNED']);
      } else {
        expect(row).toMatchObject({ status: 'SHIPPED', sagaStep: 'COMPLETED', failureCode: null });
        expect(await refundsOf(orderId)).toEqual([]);
        expect(await reservationsOf(orderId)).toEqual(['COMMITTED']);
      }
    }
  });

  it('cancels a PENDING order whose stock is held before its charge: released, nothing charged', async () => {
    const productId = await saga.newProduct(5, 800);
    const buyer = await saga.newBuyer(productId, 2);
    const id = randomUUID();
    const reservationId = await saga.reserveFor(id, productId, 2);
    await saga.storeOrder(buyer, productId, {
      id,
      sagaStep: 'STOCK_RESERVED',
      quantity: 2,
      amount: 800,
      reservationId,
    });
    expect(await saga.availableOf(productId)).toBe(3);

    const result = await cancel(buyer.identity, id);

    expect(result.data?.cancelOrder).toEqual({ id, status: 'CANCELLED' });
    expect(await reservationsOf(id)).toEqual(['RELEASED']);
    expect(await saga.stockOf(productId)).toEqual({ onHand: 5, reserved: 0 });
    expect(await saga.paymentsOf(id)).toEqual([]);
    expect(await historyOf(id)).toEqual([
      { status: 'CANCELLED', actor: buyer.userId, reason: 'CANCELLED_BY_BUYER' },
    ]);
  });

  it('cancels a PENDING order an older saga authorized and reserved: released, the authorization voided', async () => {
    const productId = await saga.newProduct(5, 800);
    const buyer = await saga.newBuyer(productId, 2);
    const id = randomUUID();
    const paymentId = await saga.authorizedEarlierFor(id, buyer, 1_600);
    const reservationId = await saga.reserveFor(id, productId, 2);
    await saga.storeOrder(buyer, productId, {
      id,
      sagaStep: 'STOCK_RESERVED',
      quantity: 2,
      amount: 800,
      reservationId,
      paymentId,
    });
    expect(await saga.availableOf(productId)).toBe(3);

    const result = await cancel(buyer.identity, id);

    expect(result.data?.cancelOrder).toEqual({ id, status: 'CANCELLED' });
    expect(await reservationsOf(id)).toEqual(['RELEASED']);
    expect(await saga.stockOf(productId)).toEqual({ onHand: 5, reserved: 0 });
    expect(await saga.paymentsOf(id)).toEqual([{ status: 'VOIDED', amount: 1_600 }]);
    expect(await refundsOf(id)).toEqual([]);
    expect(await historyOf(id)).toEqual([
      { status: 'CANCELLED', actor: buyer.userId, reason: 'CANCELLED_BY_BUYER' },
    ]);
  });

  it('refunds a payment charged by a driver that died before recording the charge', async () => {
    const productId = await saga.newProduct(5, 900);
    const buyer = await saga.newBuyer(productId, 1);
    const id = randomUUID();
    const reservationId = await saga.reserveFor(id, productId, 1);
    await chargeFor(id, buyer, 900);
    // The order does not know the payment: the compensation finds it by the order.
    await saga.storeOrder(buyer, productId, {
      id,
      sagaStep: 'STOCK_RESERVED',
      quantity: 1,
      amount: 900,
      reservationId,
    });

    const result = await cancel(buyer.identity, id);

    expect(result.data?.cancelOrder.status).toBe('CANCELLED');
    expect(await saga.paymentsOf(id)).toEqual([{ status: 'REFUNDED', amount: 900 }]);
    expect(await refundsOf(id)).toEqual([
      { amount: 900, idempotencyKey: `order:${id}:refund`, reason: 'Cancelled by the buyer' },
    ]);
    expect(await reservationsOf(id)).toEqual(['RELEASED']);
    expect(await saga.availableOf(productId)).toBe(5);
  });

  it('lets a saga mark a charged order PAID first, then cancels the PAID order', async () => {
    const productId = await saga.newProduct(5, 700);
    const buyer = await saga.newBuyer(productId, 2);
    const id = randomUUID();
    const reservationId = await saga.reserveFor(id, productId, 2);
    const paymentId = await chargeFor(id, buyer, 1_400);
    await saga.storeOrder(buyer, productId, {
      id,
      sagaStep: 'PAYMENT_CAPTURED',
      quantity: 2,
      amount: 700,
      reservationId,
      paymentId,
    });

    const result = await cancel(buyer.identity, id);

    expect(result.data?.cancelOrder.status).toBe('CANCELLED');
    expect((await historyOf(id)).map((row) => [row.status, row.actor])).toEqual([
      ['PAID', 'system'],
      ['CANCELLED', buyer.userId],
    ]);
    // Returned if inventory committed the hold on hearing OrderPaid first; released if not yet.
    expect([['RETURNED'], ['RELEASED']]).toContainEqual(await reservationsOf(id));
    expect(await saga.stockOf(productId)).toEqual({ onHand: 5, reserved: 0 });
    expect(await saga.paymentsOf(id)).toEqual([{ status: 'REFUNDED', amount: 1_400 }]);
  });

  it('gives back the stock a checkout was still reserving when its order was cancelled', async () => {
    const { productId, buyer, placing, held, order } = await checkoutHeldAt(
      inventoryProxy,
      'reserveStock',
      { stock: 4, amount: 600, quantity: 3 },
    );
    expect(order).toMatchObject({ sagaStep: 'CREATED' });
    const cancelled = await cancel(buyer.identity, order.id);
    held.release();
    const placed = await placing;

    expect(cancelled.data?.cancelOrder.status).toBe('CANCELLED');
    expect(placed.errors).toBeUndefined();
    expect(placed.data?.checkout).toEqual({ id: order.id, status: 'CANCELLED' });
    expect(await reservationsOf(order.id)).toEqual(['RELEASED']);
    expect(await saga.stockOf(productId)).toEqual({ onHand: 4, reserved: 0 });
    expect(await saga.paymentsOf(order.id)).toEqual([]);
    expect(await orderRow(order.id)).toMatchObject({
      status: 'CANCELLED',
      sagaStep: 'COMPENSATED',
    });
  });

  it('charges nothing for a checkout whose charge reaches payments after its order was cancelled', async () => {
    const { productId, buyer, placing, held, order } = await checkoutHeldAt(
      paymentsProxy,
      'chargePayment',
      { stock: 4, amount: 650, quantity: 2 },
    );
    expect(order).toMatchObject({ sagaStep: 'STOCK_RESERVED' });
    // Cancelled while the charge is on its way: the compensation finds no payment yet.
    const cancelled = await cancel(buyer.identity, order.id);
    expect(cancelled.data?.cancelOrder.status).toBe('CANCELLED');
    expect(await saga.paymentsOf(order.id)).toEqual([]);
    expect(await reservationsOf(order.id)).toEqual(['RELEASED']);
    // Payments hears OrderCancelled before the charge arrives (its driver was slow).
    await eventually(async () =>
      expect(
        await queryTestDatabase(
          saga.urls.payments,
          `SELECT 1 FROM "CancelledOrder" WHERE "orderId" = $1::uuid`,
          [order.id],
        ),
      ).toHaveLength(1),
    );
    held.release();
    const placed = await placing;

    // The charge is refused: no money taken, so none to give back.
    expect(placed.data?.checkout).toEqual({ id: order.id, status: 'CANCELLED' });
    expect(await saga.paymentsOf(order.id)).toEqual([]);
    expect(await refundsOf(order.id)).toEqual([]);
    expect(await saga.stockOf(productId)).toEqual({ onHand: 4, reserved: 0 });
    expect(await cancelledEventsOf(order.id)).toBe(1);
  });

  it('refunds a charge made while its order was being cancelled, once', async () => {
    const { productId, buyer, placing, held, order } = await checkoutHeldAt(
      paymentsProxy,
      'chargePayment',
      { stock: 4, amount: 700, quantity: 1 },
      'hold-response',
    );
    // Charged, its answer not back yet: the compensation finds it by the order, and refunds.
    expect(await saga.paymentsOf(order.id)).toEqual([{ status: 'SUCCEEDED', amount: 700 }]);
    const cancelled = await cancel(buyer.identity, order.id);
    expect(cancelled.data?.cancelOrder.status).toBe('CANCELLED');
    expect(await saga.paymentsOf(order.id)).toEqual([{ status: 'REFUNDED', amount: 700 }]);
    held.release();
    const placed = await placing;

    expect(placed.data?.checkout).toEqual({ id: order.id, status: 'CANCELLED' });
    expect(await refundsOf(order.id)).toEqual([
      {
        amount: 700,
        idempotencyKey: `order:${order.id}:refund`,
        reason: 'Cancelled by the buyer',
      },
    ]);
    expect(await orderRow(order.id)).toEqual({
      status: 'CANCELLED',
      sagaStep: 'COMPENSATED',
      failureCode: 'CANCELLED_BY_BUYER',
    });
    expect(await reservationsOf(order.id)).toEqual(['RELEASED']);
    expect(await saga.stockOf(productId)).toEqual({ onHand: 4, reserved: 0 });
    expect(await cancelledEventsOf(order.id)).toBe(1);
  });

  it('finishes a cancellation whose request died mid-way by the recovery job', async () => {
    const { productId, buyer, orderId, total } = await paidOrder(8, 2);
    // What a cancelOrder that crashed right after marking the order leaves behind.
    await queryTestDatabase(
      saga.urls.orders,
      `UPDATE "Order" SET "sagaStep" = 'COMPENSATING', "failureCode" = 'CANCELLED_BY_BUYER',
         "updatedAt" = (now() AT TIME ZONE 'UTC') - interval '1 minute' WHERE "id" = $1`,
      [orderId],
    );

    await eventually(
      async () =>
        expect(await orderRow(orderId)).toEqual({
          status: 'CANCELLED',
          sagaStep: 'COMPENSATED',
          failureCode: 'CANCELLED_BY_BUYER',
        }),
      20_000,
    );
    expect(await saga.paymentsOf(orderId)).toEqual([{ status: 'REFUNDED', amount: total }]);
    expect(await reservationsOf(orderId)).toEqual(['RETURNED']);
    expect(await saga.stockOf(productId)).toEqual({ onHand: 8, reserved: 0 });
    expect((await historyOf(orderId)).at(-1)).toEqual({
      status: 'CANCELLED',
      actor: buyer.userId,
      reason: 'CANCELLED_BY_BUYER',
    });
    const again = await cancel(buyer.identity, orderId);
    expect(again.data?.cancelOrder.status).toBe('CANCELLED');
  }, 30_000);
});
