import { randomUUID } from 'node:crypto';
import { graphqlRequest, errorCodes, eventually, metricsOf, sampleOf } from '@shop/testing';
import {
  CancelOrderDocument,
  CheckoutDocument,
  OrderDocument,
  PaymentsAwaitingReviewDocument,
  ReviewPaymentDocument,
} from '../../clients/generated/operations';
import {
  addToCart,
  checkoutInput,
  DECLINING_CARD,
  newShopper,
  signInAdmin,
  stockedProduct,
  type Headers,
  type Shopper,
} from './support/shop';
import { startTestStack, type RunningStack } from './support/test-stack';

/** Payments' PAYMENT_REVIEW_THRESHOLD here: a checkout above it waits for an ADMIN's review. */
const REVIEW_THRESHOLD = 10_000;

/** What payments itself answers for an order's payment: the fields the checkout provides. */
const PAYMENT_OF_ORDER = `query($id: ID!) {
  order(id: $id) { payment { id status amount { amount currency } method { brand last4 } } }
}`;

type CheckoutAnswer = { id: string; status: string; payment: unknown };

describe("the checkout's answer: its payment from orders, as payments would answer it (#19)", () => {
  let stack: RunningStack;
  let admin: Headers;
  const url = () => stack.router.url;

  beforeAll(async () => {
    stack = await startTestStack({ PAYMENT_REVIEW_THRESHOLD: String(REVIEW_THRESHOLD) });
    admin = await signInAdmin(url());
  }, 120_000);
  afterAll(() => stack?.stop());

  /** How many calls the router has made to payments so far. */
  const callsToPayments = async () =>
    sampleOf(await metricsOf(url()), 'router_subgraph_request_duration_seconds_count', {
      subgraph: 'payments',
    });

  /** The checkout's answer, and whether the router called payments for it. */
  async function checkout(
    shopper: Shopper,
    idempotencyKey: string,
  ): Promise<{ order: CheckoutAnswer; calledPayments: boolean }> {
    const before = await callsToPayments();
    const answer = await graphqlRequest(
      url(),
      CheckoutDocument,
      checkoutInput(shopper, idempotencyKey),
      shopper.headers,
    );
    expect(answer.errors).toBeUndefined();
    return { order: answer.data!.checkout, calledPayments: (await callsToPayments()) !== before };
  }

  /** The order's payment as payments answers it now (the router asks payments for it). */
  async function paymentsAnswer(shopper: Shopper, orderId: string): Promise<unknown> {
    const read = await graphqlRequest<{ order: { payment: unknown } | null }>(
      url(),
      PAYMENT_OF_ORDER,
      { id: orderId },
      shopper.headers,
    );
    expect(read.errors).toBeUndefined();
    return read.data!.order!.payment;
  }

  async function cartOf(price: number): Promise<Shopper> {
    const shopper = await newShopper(url(), 'Answered Shopper');
    const product = await stockedProduct(url(), admin, { name: 'Answered', price, units: [5] });
    await addToCart(url(), shopper, product.id);
    return shopper;
  }

  it('answers a paid checkout’s payment with no call to payments, as payments then answers it', async () => {
    const shopper = await cartOf(700);
    const { order, calledPayments } = await checkout(shopper, randomUUID());

    expect(calledPayments).toBe(false);
    expect(order.status).toBe('PAID');
    expect(order.payment).toEqual({
      id: expect.any(String),
      status: 'SUCCEEDED',
      amount: { amount: 700, currency: 'USD' },
      method: { brand: 'VISA', last4: '4242' },
    });
    expect(order.payment).toEqual(await paymentsAnswer(shopper, order.id));
  }, 60_000);

  it('answers a checkout repeated after its buyer cancelled with the payment refunded, not as charged', async () => {
    const shopper = await cartOf(900);
    const key = randomUUID();
    const first = await checkout(shopper, key);
    const cancelled = await graphqlRequest(
      url(),
      CancelOrderDocument,
      { id: first.order.id },
      shopper.headers,
    );
    expect(cancelled.errors).toBeUndefined();

    // The saga finished long ago: orders asks payments for the payment as it is now.
    const repeated = await checkout(shopper, key);
    expect(repeated.calledPayments).toBe(false);
    expect(repeated.order).toMatchObject({ id: first.order.id, status: 'CANCELLED' });
    expect(repeated.order.payment).toMatchObject({ status: 'REFUNDED' });
    expect(repeated.order.payment).toEqual(await paymentsAnswer(shopper, first.order.id));
  }, 60_000);

  it('answers a checkout held for review PENDING with its payment PENDING, then, repeated once approved, PAID and SUCCEEDED', async () => {
    const shopper = await cartOf(REVIEW_THRESHOLD + 2_000);
    const key = randomUUID();
    const held = await checkout(shopper, key);
    expect(held.calledPayments).toBe(false);
    expect(held.order.status).toBe('PENDING');
    expect(held.order.payment).toMatchObject({
      status: 'PENDING',
      amount: { amount: REVIEW_THRESHOLD + 2_000, currency: 'USD' },
    });
    expect(held.order.payment).toEqual(await paymentsAnswer(shopper, held.order.id));

    const awaiting = await graphqlRequest(
      url(),
      PaymentsAwaitingReviewDocument,
      { first: 100 },
      admin,
    );
    const payment = held.order.payment as { id: string };
    expect(awaiting.data!.paymentsAwaitingReview.map((waiting) => waiting.id)).toContain(
      payment.id,
    );
    const approved = await graphqlRequest(
      url(),
      ReviewPaymentDocument,
      { id: payment.id, approve: true },
      admin,
    );
    expect(approved.errors).toBeUndefined();

    // PaymentReviewed has orders finish the saga; the checkout repeated then answers it PAID.
    await eventually(async () => {
      const read = await graphqlRequest(
        url(),
        OrderDocument,
        { id: held.order.id },
        shopper.headers,
      );
      expect(read.data!.order!.status).toBe('PAID');
    });
    const repeated = await checkout(shopper, key);
    expect(repeated.calledPayments).toBe(false);
    expect(repeated.order).toMatchObject({ id: held.order.id, status: 'PAID' });
    expect(repeated.order.payment).toMatchObject({ id: payment.id, status: 'SUCCEEDED' });
    expect(repeated.order.payment).toEqual(await paymentsAnswer(shopper, held.order.id));
  }, 90_000);

  it('answers a declined card with PAYMENT_DECLINED, as before', async () => {
    const shopper = await newShopper(url(), 'Declined Shopper', DECLINING_CARD);
    const product = await stockedProduct(url(), admin, {
      name: 'Declined',
      price: 500,
      units: [5],
    });
    await addToCart(url(), shopper, product.id);
    const declined = await graphqlRequest(
      url(),
      CheckoutDocument,
      checkoutInput(shopper),
      shopper.headers,
    );
    expect(errorCodes(declined)).toEqual(['PAYMENT_DECLINED']);
    expect(declined.data).toBeNull();
  }, 60_000);
});
