import { randomUUID } from 'node:crypto';
import type { Identity } from '@shop/identity';
import { createLogger } from '@shop/platform';
import { ADMIN_IDENTITY, eventually, queryTestDatabase } from '@shop/testing';
import { STALE_SAGA_MS } from '../src/checkout/checkout-saga';
import type { OrdersServices } from '../src/context';
import { connectDatabase, type Database } from '../src/db';
import { DECLINES, NO_FUNDS, startSagaSubgraphs, type SagaSubgraphs } from './saga-subgraphs';

interface GraphQLErrorView {
  message: string;
  extensions?: Record<string, unknown>;
}

const REVIEW_THRESHOLD = 10_000;
const REVIEW_MAX_PER_CUSTOMER = 2;
const CHECKOUT = `mutation($input: CheckoutInput!) { checkout(input: $input) { id status } }`;
const CANCEL = `mutation($id: ID!) { cancelOrder(id: $id) { id status } }`;
const REVIEW = `mutation($id: ID!, $approve: Boolean!) {
  reviewPayment(id: $id, approve: $approve) { id status }
}`;

describe('checkout of an order whose payment needs an ADMIN review (real PostgreSQL)', () => {
  let saga: SagaSubgraphs;
  let ordersDb: Database;
  let services: OrdersServices;
  const log = createLogger('payment-review-test', 'silent');

  beforeAll(async () => {
    saga = await startSagaSubgraphs({
      paymentReviewThreshold: REVIEW_THRESHOLD,
      paymentReviewMaxPerCustomer: REVIEW_MAX_PER_CUSTOMER,
    });
    // A second driver of the sagas, as another orders instance's recovery job would be.
    ordersDb = connectDatabase(saga.urls.orders, 2);
    services = saga.anotherOrdersInstance(ordersDb);
  });
  afterAll(async () => {
    await ordersDb.disconnect();
    await saga.stop();
  });

  /**
   * A checkout of 2 × 6 000 (above the threshold): answered PENDING, the card authorized, the
   * stock held, the capture awaiting review.
   */
  async function heldCheckout(productId: string) {
    const buyer = await saga.newBuyer(productId, 2);
    const result = await saga.as<{ checkout: { id: string; status: string } }>(
      saga.orders.url,
      buyer.identity,
      CHECKOUT,
      { input: buyer.input },
    );
    expect(result.errors).toBeUndefined();
    const orderId = result.data!.checkout.id;
    expect(result.data!.checkout.status).toBe('PENDING');
    expect(await saga.ordersOf(buyer.userId)).toEqual([
      expect.objectContaining({ id: orderId, status: 'PENDING', sagaStep: 'STOCK_RESERVED' }),
    ]);
    expect(await saga.availableOf(productId)).toBe(3);
    const [payment] = await queryTestDatabase<{ id: string; status: string }>(
      saga.urls.payments,
      `SELECT "id"::text, "status"::text FROM "Payment" WHERE "orderId" = $1`,
      [orderId],
    );
    expect(payment?.status).toBe('AWAITING_REVIEW');
    return { buyer, orderId, paymentId: payment!.id };
  }

  /** Makes the saga look abandoned, as it is after STALE_SAGA_MS, so recovery takes it up. */
  const makeStale = (orderId: string) =>
    queryTestDatabase(
      saga.urls.orders,
      `UPDATE "Order" SET "updatedAt" = now() - interval '1 minute' WHERE "id" = $1`,
      [orderId],
    );

  const review = async (
    paymentId: string,
    approve: boolean,
    identity: Identity = ADMIN_IDENTITY,
  ) => {
    const result = await saga.as<{ reviewPayment: { status: string } }>(
      saga.payments.url,
      identity,
      REVIEW,
      { id: paymentId, approve },
    );
    expect(result.errors).toBeUndefined();
    return result.data!.reviewPayment.status;
  };

  it('keeps the order PENDING with its stock held while the review is open, then PAID once approved', async () => {
    const productId = await saga.newProduct(5, 6_000);
    const { buyer, orderId, paymentId } = await heldCheckout(productId);

    // Undecided: recovery asks for the capture again, captures nothing, and puts the order back.
    await makeStale(orderId);
    await services.recovery.recover(log);
    expect(await saga.ordersOf(buyer.userId)).toEqual([
      expect.objectContaining({ status: 'PENDING', sagaStep: 'STOCK_RESERVED' }),
    ]);
    expect(await saga.paymentsOf(orderId)).toEqual([{ status: 'AWAITING_REVIEW', amount: 12_000 }]);
    const [touched] = await queryTestDatabase<{ fresh: boolean }>(
      saga.urls.orders,
      `SELECT "updatedAt" > now() - interval '10 seconds' AS fresh FROM "Order" WHERE "id" = $1`,
      [orderId],
    );
    expect(touched?.fresh).toBe(true);

    expect(await review(paymentId, true)).toBe('SUCCEEDED');
    await makeStale(orderId);
    await services.recovery.recover(log);

    // Recovery, or the subgraph hearing PaymentReviewed first: either ends the saga.
    await eventually(async () =>
      expect(await saga.ordersOf(buyer.userId)).toEqual([
        expect.objectContaining({ status: 'PAID', sagaStep: 'COMPLETED' }),
      ]),
    );
    expect(await saga.paymentsOf(orderId)).toEqual([{ status: 'SUCCEEDED', amount: 12_000 }]);
    // The hold is committed off the saga, when inventory hears OrderPaid.
    await eventually(async () =>
      expect(await saga.stockOf(productId)).toEqual({ onHand: 3, reserved: 0 }),
    );
    await eventually(() =>
      expect(
        saga.published.some((event) => event.type === 'OrderPaid' && event.aggregateId === orderId),
      ).toBe(true),
    );
  });

  it('cancels the order and gives the stock back once the payment is rejected', async () => {
    const productId = await saga.newProduct(5, 6_000);
    const { buyer, orderId, paymentId } = await heldCheckout(productId);

    expect(await review(paymentId, false)).toBe('DECLINED');
    await makeStale(orderId);
    await services.recovery.recover(log);

    // Recovery, or the subgraph hearing PaymentReviewed first: either ends the saga.
    await eventually(async () =>
      expect(await saga.ordersOf(buyer.userId)).toEqual([
        expect.objectContaining({
          status: 'CANCELLED',
          sagaStep: 'COMPENSATED',
          failureCode: 'PAYMENT_DECLINED',
        }),
      ]),
    );
    expect(await saga.availableOf(productId)).toBe(5);
    expect(await saga.paymentsOf(orderId)).toEqual([{ status: 'DECLINED', amount: 12_000 }]);
    // The buyer's repeated checkout answers the outcome.
    const again = await saga.as(saga.orders.url, buyer.identity, CHECKOUT, { input: buyer.input });
    expect((again.errors as GraphQLErrorView[])[0]?.extensions?.code).toBe('PAYMENT_DECLINED');
  });

  it('goes on as soon as the review is decided, without waiting for recovery', async () => {
    const approvedProduct = await saga.newProduct(5, 6_000);
    const approved = await heldCheckout(approvedProduct);
    const rejectedProduct = await saga.newProduct(5, 6_000);
    const rejected = await heldCheckout(rejectedProduct);

    expect(await review(approved.paymentId, true)).toBe('SUCCEEDED');
    expect(await review(rejected.paymentId, false)).toBe('DECLINED');
    // Recovery takes a saga up only STALE_SAGA_MS after its last step, which was before the
    // decisions: what moves the orders sooner is payments' PaymentReviewed.
    await eventually(async () => {
      expect(await saga.ordersOf(approved.buyer.userId)).toEqual([
        expect.objectContaining({ status: 'PAID', sagaStep: 'COMPLETED' }),
      ]);
      expect(await saga.ordersOf(rejected.buyer.userId)).toEqual([
        expect.objectContaining({ status: 'CANCELLED', failureCode: 'PAYMENT_DECLINED' }),
      ]);
    }, STALE_SAGA_MS / 2);
    expect(await saga.stockOf(approvedProduct)).toEqual({ onHand: 3, reserved: 0 });
    expect(await saga.availableOf(rejectedProduct)).toBe(5);
  });

  it('voids a payment awaiting review when the buyer cancels, so a later approval charges nothing', async () => {
    const productId = await saga.newProduct(5, 6_000);
    const { buyer, orderId, paymentId } = await heldCheckout(productId);

    const cancel = await saga.as<{ cancelOrder: { status: string } }>(
      saga.orders.url,
      buyer.identity,
      CANCEL,
      { id: orderId },
    );
    expect(cancel.errors).toBeUndefined();
    expect(cancel.data!.cancelOrder.status).toBe('CANCELLED');
    expect(await saga.availableOf(productId)).toBe(5);

    // The compensation gave the authorization back on the card.
    expect(await saga.paymentsOf(orderId)).toEqual([{ status: 'VOIDED', amount: 12_000 }]);
    const approval = await saga.as(saga.payments.url, ADMIN_IDENTITY, REVIEW, {
      id: paymentId,
      approve: true,
    });
    expect((approval.errors as GraphQLErrorView[])[0]?.extensions?.code).toBe('CONFLICT');
    const captures = await queryTestDatabase<{ kind: string }>(
      saga.urls.payments,
      `SELECT "kind"::text FROM "PaymentTransaction" WHERE "paymentId" = $1 AND "kind" = 'CAPTURE'`,
      [paymentId],
    );
    expect(captures).toEqual([]);
  });
  it('voids an authorization still awaiting review when its time is up, and the order gives its stock back', async () => {
    const productId = await saga.newProduct(5, 6_000);
    const { buyer, orderId, paymentId } = await heldCheckout(productId);
    const [hold] = await queryTestDatabase<{ heldFor: number }>(
      saga.urls.payments,
      `SELECT extract(epoch FROM "authorizationExpiresAt" - "createdAt")::int AS "heldFor"
         FROM "Payment" WHERE "id" = $1`,
      [paymentId],
    );
    // Two minutes short of the stock's 15-minute hold, which began just before it, so the stock
    // outlives any approval.
    expect(Math.abs(hold!.heldFor - 13 * 60)).toBeLessThan(5);

    await queryTestDatabase(
      saga.urls.payments,
      `UPDATE "Payment" SET "authorizationExpiresAt" = (now() AT TIME ZONE 'UTC') - interval '1 second'
        WHERE "id" = $1`,
      [paymentId],
    );
    const approval = await saga.as(saga.payments.url, ADMIN_IDENTITY, REVIEW, {
      id: paymentId,
      approve: true,
    });
    expect((approval.errors as GraphQLErrorView[])[0]?.extensions?.code).toBe('CONFLICT');
    // payments' expiry job voids it; the saga, asking for the charge again, cancels the order.
    await eventually(
      async () =>
        expect(await saga.paymentsOf(orderId)).toEqual([{ status: 'VOIDED', amount: 12_000 }]),
      15_000,
    );
    await makeStale(orderId);
    await services.recovery.recover(log);

    expect(await saga.ordersOf(buyer.userId)).toEqual([
      expect.objectContaining({ status: 'CANCELLED', failureCode: 'PAYMENT_DECLINED' }),
    ]);
    expect(await saga.stockOf(productId)).toEqual({ onHand: 5, reserved: 0 });
    const captures = await queryTestDatabase<{ kind: string }>(
      saga.urls.payments,
      `SELECT "kind"::text FROM "PaymentTransaction" WHERE "paymentId" = $1 AND "kind" = 'CAPTURE'`,
      [paymentId],
    );
    expect(captures).toEqual([]);
  }, 30_000);

  describe('stock hoarding through review (issue #16)', () => {
    type Buyer = Awaited<ReturnType<SagaSubgraphs['newBuyer']>>;
    const checkout = (buyer: Buyer, idempotencyKey = buyer.input.idempotencyKey) =>
      saga.as<{ checkout: { id: string; status: string } }>(
        saga.orders.url,
        buyer.identity,
        CHECKOUT,
        { input: { ...buyer.input, idempotencyKey } },
      );
    const errorOf = (result: { errors?: unknown }) =>
      (result.errors as GraphQLErrorView[] | undefined)?.[0];

    it.each([
      ['declines', DECLINES, 'card_declined'],
      ['has no funds', NO_FUNDS, 'insufficient_funds'],
    ])(
      'keeps no stock for a review-sized order whose card %s: PAYMENT_DECLINED, its hold released at once',
      async (_what, card, declineCode) => {
        const productId = await saga.newProduct(5, 6_000);
        const buyer = await saga.newBuyer(productId, 2, card);

        const result = await checkout(buyer);

        expect(errorOf(result)?.extensions).toMatchObject({
          code: 'PAYMENT_DECLINED',
          declineCode,
        });
        const [order] = await saga.ordersOf(buyer.userId);
        expect(order).toMatchObject({ status: 'CANCELLED', sagaStep: 'COMPENSATED' });
        expect(await saga.reservationsOf(order!.id)).toEqual(['RELEASED']);
        expect(await saga.availableOf(productId)).toBe(5);
      },
    );

    it('refuses review-sized checkouts beyond the cap, their holds released at once, until a review frees a place', async () => {
      const productId = await saga.newProduct(10, 6_000);
      const buyer = await saga.newBuyer(productId, 2);
      const held: string[] = [];
      for (let n = 0; n < REVIEW_MAX_PER_CUSTOMER; n += 1) {
        const placed = await checkout(buyer, randomUUID());
        expect(placed.data?.checkout.status).toBe('PENDING');
        held.push(placed.data!.checkout.id);
      }
      expect(await saga.availableOf(productId)).toBe(10 - 2 * REVIEW_MAX_PER_CUSTOMER);

      const refused = await checkout(buyer, randomUUID());

      expect(errorOf(refused)?.extensions).toMatchObject({
        code: 'PAYMENT_DECLINED',
        declineCode: 'review_limit',
      });
      const beyond = (await saga.ordersOf(buyer.userId)).find((order) => !held.includes(order.id));
      expect(beyond).toMatchObject({ status: 'CANCELLED', failureCode: 'PAYMENT_DECLINED' });
      expect(await saga.reservationsOf(beyond!.id)).toEqual(['RELEASED']);
      expect(await saga.availableOf(productId)).toBe(10 - 2 * REVIEW_MAX_PER_CUSTOMER);
      // Another buyer is not held back by this one's queue.
      const other = await saga.newBuyer(productId, 2);
      expect((await checkout(other)).data?.checkout.status).toBe('PENDING');

      // A decided review frees a place.
      const [payment] = await queryTestDatabase<{ id: string }>(
        saga.urls.payments,
        `SELECT "id"::text FROM "Payment" WHERE "orderId" = $1`,
        [held[0]],
      );
      expect(await review(payment!.id, false)).toBe('DECLINED');
      expect((await checkout(buyer, randomUUID())).data?.checkout.status).toBe('PENDING');
    });
  });
});
