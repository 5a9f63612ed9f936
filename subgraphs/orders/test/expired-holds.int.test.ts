import { randomUUID } from 'node:crypto';
import type { EventEnvelope } from '@shop/events';
import type { Identity } from '@shop/identity';
import {
  ADMIN_IDENTITY,
  errorCodes,
  eventually,
  queryTestDatabase,
  startInterceptingProxy,
  type InterceptingProxy,
  type ProxiedCall,
} from '@shop/testing';
import { ORDERS_SERVICE, startSagaSubgraphs, type SagaSubgraphs } from './saga-subgraphs';

const CHECKOUT = `mutation($input: CheckoutInput!) { checkout(input: $input) { id status } }`;
const CANCEL = `mutation($id: ID!) { cancelOrder(id: $id) { id status } }`;
const SETTLE = `mutation($orderId: ID!) { settleExpiredHold(orderId: $orderId) { orderId outcome } }`;

type Buyer = Awaited<ReturnType<SagaSubgraphs['newBuyer']>>;

/**
 * Inventory's sweeper settles a hold past its expiry with its order first
 * (orders' settleExpiredHold), and inventory commits a paid order's hold on
 * hearing OrderPaid: a real inventory, orders and payments, the sweeper
 * looking every 200 ms.
 */
describe('expired holds and OrderPaid: a paid order’s stock is never given back (real PostgreSQL)', () => {
  let saga: SagaSubgraphs;
  let paymentsProxy: InterceptingProxy;

  beforeAll(async () => {
    saga = await startSagaSubgraphs({
      route: async (siblings) => {
        paymentsProxy = await startInterceptingProxy(siblings.payments);
        return { ...siblings, payments: paymentsProxy.url };
      },
    });
  });
  afterAll(async () => {
    await saga.stop();
    await paymentsProxy.close();
  });

  const checkout = (buyer: Buyer) =>
    saga.as<{ checkout: { id: string; status: string } }>(
      saga.orders.url,
      buyer.identity,
      CHECKOUT,
      { input: buyer.input },
    );

  /** The hold's time is up: the sweeper takes it at its next look. */
  const expire = (reservationId: string) =>
    queryTestDatabase(
      saga.urls.inventory,
      `UPDATE "Reservation" SET "expiresAt" = (now() AT TIME ZONE 'UTC') - interval '1 second'
        WHERE id = $1`,
      [reservationId],
    );

  const orderRow = (id: string) => saga.orderRow(id);

  /** Once inventory's consumer of orders.events has handled the event (in stream order). */
  const untilHandled = (eventId: string) =>
    eventually(async () =>
      expect(
        await queryTestDatabase(
          saga.urls.inventory,
          `SELECT 1 FROM "ProcessedEvent" WHERE id = $1::uuid AND consumer = 'inventory'`,
          [eventId],
        ),
      ).toHaveLength(1),
    );

  /** An OrderPaid for the order as orders writes it, delivered again or late. */
  const orderPaid = (orderId: string, userId: string, reservationId: string, id = randomUUID()) =>
    ({
      id,
      type: 'OrderPaid',
      aggregateId: orderId,
      version: 2,
      occurredAt: new Date().toISOString(),
      correlationId: null,
      data: {
        orderId,
        userId,
        total: { amount: 1, currency: 'USD' },
        items: [],
        reservationId,
      },
    }) satisfies EventEnvelope;

  it('commits the expired hold of a PAID order whose OrderPaid inventory has not heard, never releasing it', async () => {
    const productId = await saga.newProduct(5, 800);
    const buyer = await saga.newBuyer(productId, 2);
    const id = randomUUID();
    const reservationId = await saga.reserveFor(id, productId, 2);
    const { id: paymentId } = await saga.chargeFor(id, buyer, 1_600);
    // PAID, and its OrderPaid not consumed: written here without one, as a stopped consumer sees it.
    await saga.storeOrder(buyer, productId, {
      id,
      status: 'PAID',
      sagaStep: 'COMPLETED',
      quantity: 2,
      amount: 800,
      reservationId,
      paymentId,
    });

    await expire(reservationId);

    await eventually(async () => expect(await saga.reservationsOf(id)).toEqual(['COMMITTED']));
    expect(await saga.stockOf(productId)).toEqual({ onHand: 3, reserved: 0 });
    expect(await orderRow(id)).toEqual({
      status: 'PAID',
      sagaStep: 'COMPLETED',
      failureCode: null,
    });
    expect(await saga.paymentsOf(id)).toEqual([{ status: 'SUCCEEDED', amount: 1_600 }]);
    // OrderPaid arriving now, late, changes nothing.
    const late = orderPaid(id, buyer.userId, reservationId);
    await saga.bus.publish('orders.events', [late]);
    await untilHandled(late.id);
    expect(await saga.reservationsOf(id)).toEqual(['COMMITTED']);
    expect(await saga.stockOf(productId)).toEqual({ onHand: 3, reserved: 0 });
  });

  it('cancels a PENDING order whose hold expired before its charge (RESERVATION_EXPIRED), and releases the hold', async () => {
    const productId = await saga.newProduct(4, 500);
    const buyer = await saga.newBuyer(productId, 3);
    const id = randomUUID();
    const reservationId = await saga.reserveFor(id, productId, 3);
    await saga.storeOrder(buyer, productId, {
      id,
      sagaStep: 'STOCK_RESERVED',
      quantity: 3,
      amount: 500,
      reservationId,
    });

    await expire(reservationId);

    await eventually(async () =>
      expect(await orderRow(id)).toEqual({
        status: 'CANCELLED',
        sagaStep: 'COMPENSATED',
        failureCode: 'RESERVATION_EXPIRED',
      }),
    );
    await eventually(async () =>
      expect([['RELEASED'], ['EXPIRED']]).toContainEqual(await saga.reservationsOf(id)),
    );
    expect(await saga.stockOf(productId)).toEqual({ onHand: 4, reserved: 0 });
    expect(await saga.paymentsOf(id)).toEqual([]);
    await eventually(() =>
      expect(
        saga.published.filter(
          (event) => event.type === 'OrderCancelled' && event.aggregateId === id,
        ),
      ).toEqual([
        expect.objectContaining({
          data: expect.objectContaining({ reason: 'RESERVATION_EXPIRED' }),
        }),
      ]),
    );
  });

  it('ends a checkout whose hold expires while its charge is on its way either PAID and committed or CANCELLED, refunded and released', async () => {
    const STOCK = 12;
    const productId = await saga.newProduct(STOCK, 900);
    const buyers = await Promise.all(Array.from({ length: 6 }, () => saga.newBuyer(productId, 1)));
    const chargeOf = (buyer: Buyer) => (call: ProxiedCall) =>
      /\bchargePayment\s*\(/.test(call.query) &&
      (call.variables.input as { userId?: string }).userId === buyer.userId;
    // Half the charges are held before payments sees them, half after it charged the card; only
    // the first call of each (a retry after the saga's client timed out goes through).
    const holding = new Set(buyers);
    paymentsProxy.intercept((call) => {
      const index = buyers.findIndex((buyer) => holding.has(buyer) && chargeOf(buyer)(call));
      if (index < 0) return 'forward';
      holding.delete(buyers[index]!);
      return index % 2 === 0 ? 'hold-request' : 'hold-response';
    });
    const placing = buyers.map((buyer) => checkout(buyer));
    const held = await Promise.all(buyers.map((buyer) => paymentsProxy.held(chargeOf(buyer))));
    const orderIds = held.map((call) => (call.variables.input as { orderId: string }).orderId);
    for (const orderId of orderIds) {
      const [reservation] = await queryTestDatabase<{ id: string }>(
        saga.urls.inventory,
        `SELECT id::text FROM "Reservation" WHERE "orderId" = $1`,
        [orderId],
      );
      await expire(reservation!.id);
    }

    // The last four race the sweeper, their charges let go at once; for the first two (one not
    // charged yet, one charged) the sweeper settles first, unless their saga's client gave up
    // waiting (2 s) and its retry got through first.
    for (const call of held.slice(2)) call.release();
    for (const orderId of orderIds.slice(0, 2)) {
      await eventually(async () => expect((await orderRow(orderId))?.status).not.toBe('PENDING'));
    }
    for (const call of held.slice(0, 2)) call.release();
    const answers = await Promise.all(placing);
    paymentsProxy.intercept(() => 'forward');

    let paid = 0;
    for (const [index, orderId] of orderIds.entries()) {
      const order = await eventually(async () => {
        const row = await orderRow(orderId);
        expect(['PAID', 'CANCELLED']).toContain(row?.status);
        return row!;
      });
      const answered = answers[index]!;
      if (order.status === 'PAID') {
        paid += 1;
        expect(answered.data?.checkout).toEqual({ id: orderId, status: 'PAID' });
        await eventually(async () =>
          expect(await saga.reservationsOf(orderId)).toEqual(['COMMITTED']),
        );
        expect(await saga.paymentsOf(orderId)).toEqual([{ status: 'SUCCEEDED', amount: 900 }]);
      } else {
        expect(order).toMatchObject({ failureCode: 'RESERVATION_EXPIRED' });
        expect(answered.errors?.length).toBe(1);
        await eventually(async () =>
          expect([['RELEASED'], ['EXPIRED']]).toContainEqual(await saga.reservationsOf(orderId)),
        );
        // Never charged (refused once payments heard OrderCancelled), voided, or refunded.
        await eventually(async () => {
          for (const payment of await saga.paymentsOf(orderId)) {
            expect(['DECLINED', 'REFUNDED']).toContain(payment.status);
          }
        });
      }
    }
    // The sweeper came first for at least one: the first two waited for it.
    expect(paid).toBeLessThan(orderIds.length);
    await eventually(async () =>
      expect(await saga.stockOf(productId)).toEqual({ onHand: STOCK - paid, reserved: 0 }),
    );
  });

  it('gives back a PAID order’s hold inventory has not committed yet, and the late OrderPaid commits nothing', async () => {
    const productId = await saga.newProduct(6, 700);
    const buyer = await saga.newBuyer(productId, 2);
    const id = randomUUID();
    const reservationId = await saga.reserveFor(id, productId, 2);
    const { id: paymentId } = await saga.chargeFor(id, buyer, 1_400);
    await saga.storeOrder(buyer, productId, {
      id,
      status: 'PAID',
      sagaStep: 'COMPLETED',
      quantity: 2,
      amount: 700,
      reservationId,
      paymentId,
    });

    const cancelled = await saga.as<{ cancelOrder: { status: string } }>(
      saga.orders.url,
      buyer.identity,
      CANCEL,
      { id },
    );

    expect(cancelled.data?.cancelOrder.status).toBe('CANCELLED');
    expect(await saga.reservationsOf(id)).toEqual(['RELEASED']);
    expect(await saga.stockOf(productId)).toEqual({ onHand: 6, reserved: 0 });
    expect(await saga.paymentsOf(id)).toEqual([{ status: 'REFUNDED', amount: 1_400 }]);
    const late = orderPaid(id, buyer.userId, reservationId);
    await saga.bus.publish('orders.events', [late, late]);
    await untilHandled(late.id);
    expect(await saga.reservationsOf(id)).toEqual(['RELEASED']);
    expect(await saga.stockOf(productId)).toEqual({ onHand: 6, reserved: 0 });
  });

  it('commits a checkout’s hold once on hearing OrderPaid, however often it is delivered', async () => {
    const productId = await saga.newProduct(9, 300);
    const buyer = await saga.newBuyer(productId, 4);

    const placed = await checkout(buyer);

    expect(placed.data?.checkout.status).toBe('PAID');
    const orderId = placed.data!.checkout.id;
    await eventually(async () => expect(await saga.reservationsOf(orderId)).toEqual(['COMMITTED']));
    const event = saga.published.find(
      (candidate) => candidate.type === 'OrderPaid' && candidate.aggregateId === orderId,
    )!;
    const { reservationId } = event.data as { reservationId: string };
    // The same event again (a redelivery), and another naming the same hold.
    const another = orderPaid(orderId, buyer.userId, reservationId);
    await saga.bus.publish('orders.events', [event as EventEnvelope, another]);
    await untilHandled(another.id);
    expect(await saga.reservationsOf(orderId)).toEqual(['COMMITTED']);
    expect(await saga.stockOf(productId)).toEqual({ onHand: 5, reserved: 0 });
  });

  it('settles expired holds for inventory’s service identity only, the same way when asked again', async () => {
    const productId = await saga.newProduct(3, 400);
    const buyer = await saga.newBuyer(productId, 1);
    const id = randomUUID();
    const reservationId = await saga.reserveFor(id, productId, 1);
    await saga.storeOrder(buyer, productId, {
      id,
      sagaStep: 'STOCK_RESERVED',
      quantity: 1,
      amount: 400,
      reservationId,
    });
    const inventoryService: Identity = {
      kind: 'service',
      service: 'inventory',
      scopes: ['orders:settle-holds'],
    };

    for (const outsider of [buyer.identity, ADMIN_IDENTITY, ORDERS_SERVICE]) {
      const refused = await saga.as(saga.orders.url, outsider, SETTLE, { orderId: id });
      expect(errorCodes(refused)).toEqual(['FORBIDDEN']);
    }
    expect(await orderRow(id)).toMatchObject({ status: 'PENDING', sagaStep: 'STOCK_RESERVED' });
    const answers = await Promise.all(
      [1, 2].map(() => saga.as(saga.orders.url, inventoryService, SETTLE, { orderId: id })),
    );
    const again = await saga.as(saga.orders.url, inventoryService, SETTLE, { orderId: id });

    for (const answer of [...answers, again]) {
      expect(answer.data).toEqual({ settleExpiredHold: { orderId: id, outcome: 'CANCELLED' } });
    }
    expect(await orderRow(id)).toEqual({
      status: 'CANCELLED',
      sagaStep: 'COMPENSATED',
      failureCode: 'RESERVATION_EXPIRED',
    });
    expect(await saga.reservationsOf(id)).toEqual(['RELEASED']);
    expect(await saga.stockOf(productId)).toEqual({ onHand: 3, reserved: 0 });
  });

  it('passes over a hold whose order orders cannot settle, leaving it HELD, and settles the next', async () => {
    const productId = await saga.newProduct(4, 300);
    const [stuckBuyer, nextBuyer] = await Promise.all([
      saga.newBuyer(productId, 1),
      saga.newBuyer(productId, 1),
    ]);
    const [stuck, next] = [randomUUID(), randomUUID()];
    const stuckHold = await saga.reserveFor(stuck, productId, 1);
    const nextHold = await saga.reserveFor(next, productId, 1);
    // A state no saga leaves behind: orders answers an error for it.
    await saga.storeOrder(stuckBuyer, productId, {
      id: stuck,
      status: 'PAID',
      sagaStep: 'STOCK_RESERVED',
      quantity: 1,
      amount: 300,
      reservationId: stuckHold,
    });
    await saga.storeOrder(nextBuyer, productId, {
      id: next,
      sagaStep: 'STOCK_RESERVED',
      quantity: 1,
      amount: 300,
      reservationId: nextHold,
    });
    // The stuck hold expired first, so the sweeper asks about it first.
    await queryTestDatabase(
      saga.urls.inventory,
      `UPDATE "Reservation" SET "expiresAt" = (now() AT TIME ZONE 'UTC') - interval '1 minute'
        WHERE id = $1`,
      [stuckHold],
    );
    await expire(nextHold);

    await eventually(async () =>
      expect(await orderRow(next)).toMatchObject({
        status: 'CANCELLED',
        failureCode: 'RESERVATION_EXPIRED',
      }),
    );
    await eventually(async () =>
      expect([['RELEASED'], ['EXPIRED']]).toContainEqual(await saga.reservationsOf(next)),
    );
    expect(await saga.reservationsOf(stuck)).toEqual(['HELD']);
    expect(await saga.stockOf(productId)).toEqual({ onHand: 4, reserved: 1 });

    // Once orders can answer for it (here: the order as a finished saga leaves it), it is settled.
    await queryTestDatabase(
      saga.urls.orders,
      `UPDATE "Order" SET "sagaStep" = 'COMPLETED' WHERE id = $1`,
      [stuck],
    );
    await eventually(async () => expect(await saga.reservationsOf(stuck)).toEqual(['COMMITTED']));
    expect(await saga.stockOf(productId)).toEqual({ onHand: 3, reserved: 0 });
  });
});
